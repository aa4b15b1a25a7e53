/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asking bulkheadd for a disposable VM (dispvm-client.c) on <runtime>/dispvm.sock
 * (docs/disposables.md), one line each way:
 *
 *     -> TEMPLATE\n  |  TEMPLATE hold\n        <- OK disp1234\n  |  ERR reason\n
 *
 * TEMPLATE "" is the host's only disposable template. With "hold", the requester keeps the
 * socket open while it uses the disposable, and its closing (done, crashed, killed) destroys
 * the disposable: used by the print filter, whose disposable must not outlive the job.
 */
#pragma once

#include <stdbool.h>

/* The connected socket with the request sent, or -errno (-EINVAL: not a template name). */
int qrexec_dispvm_request(const char *runtime_dir, const char *template, bool hold);
/* A reply line without its '\n': NULL and *ret_name for "OK NAME" with a valid name, else
 * the reason to log (bulkheadd's, or a generic one). */
const char *qrexec_dispvm_reply_parse(char *line, const char **ret_name);
