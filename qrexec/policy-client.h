/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small client of qrexec-policy-daemon (<runtime>/policy.sock, docs/qrexec-protocol.md) for
 * host programs that need a policy decision outside a qrexec call: guid asks it about
 * bulkhead.ClipboardPaste. One connection per query; the daemon runs any `ask` dialog, writes
 * the audit log and sends its notifications, as for qrexec calls.
 *
 * The query can be split in two (send, then receive when the fd is readable) so that an event
 * loop keeps running while the user answers an ask dialog. No daemon, or one that hangs up,
 * is an error: callers deny.
 *
 *   int fd = qrexec_policy_query_send(path, "work", "personal", "bulkhead.ClipboardPaste", "");
 *   ... poll(fd) ...
 *   r = qrexec_policy_query_recv(fd, &allowed, target);   // then close(fd)
 */
#pragma once

#include <stdbool.h>

#include "qrexec-proto.h"

/* <runtime>/policy.sock (docs/interfaces.md); malloc'd, NULL when out of memory. */
char *qrexec_policy_socket_default(void);
/* Connect to socket_path and send one query (argument "" for none). Returns the connected fd
 * (O_CLOEXEC, blocking) or -errno. */
int qrexec_policy_query_send(const char *socket_path, const char *source, const char *target,
			     const char *service, const char *argument);
/* Read the answer on fd (blocks until it is there). 0 with *allowed and target_out (the
 * resolved target, "" when denied) set, or -errno (-EBADMSG: a malformed answer). */
int qrexec_policy_query_recv(int fd, bool *allowed, char target_out[QREXEC_TARGET_FIELD]);
/* Both, blocking: for programs without an event loop. */
int qrexec_policy_query(const char *socket_path, const char *source, const char *target,
			const char *service, const char *argument, bool *allowed,
			char target_out[QREXEC_TARGET_FIELD]);
