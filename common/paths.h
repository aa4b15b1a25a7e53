/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bulkhead's runtime and state directories (docs/interfaces.md, "Runtime paths"). */
#pragma once

/* $BULKHEAD_RUNTIME_DIR, else $XDG_RUNTIME_DIR/bulkhead, else /tmp/bulkhead-$UID.
 * malloc'd; NULL only when out of memory. */
char *bulkhead_runtime_dir(void);
/* $BULKHEAD_STATE_DIR, else $XDG_STATE_HOME/bulkhead, else ~/.local/state/bulkhead. */
char *bulkhead_state_dir(void);
/* mkdir -p; the directories it creates get mode 0700. 0 or -errno. */
int mkdir_parents_private(const char *path);
