/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runtime and state directories (docs/interfaces.md, "Runtime paths"); malloc'd, NULL = OOM. */
#pragma once

char *qrexec_runtime_dir(void);
char *qrexec_state_dir(void);
int qrexec_mkdir_private(const char *path);
int qrexec_mkdir_parents(const char *path);
