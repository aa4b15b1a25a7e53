/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest program's call through its agent (qrexec-client-vm, vm-open-url, benchmarks): connect
 * to the agent's local socket, hand it the three fds the call's streams use, and wait.
 *
 *   sock = qrexec_local_call_start(target, "bulkhead.OpenURL", fds, &code, reason);
 *   if (sock < 0) ... code is 126/127/125 ...
 *   status = qrexec_local_call_wait(sock);     // the service's exit status, or 125
 */
#pragma once

#include "qrexec-proto.h"

/* $QREXEC_AGENT_SOCKET, else <runtime>/qrexec-agent.sock; malloc'd. */
char *qrexec_agent_socket_path(void);
/* Returns the connected call's socket, or -1 with *ret_code (126/127/125) and reason set.
 * fds: {stdin, stdout, stderr} of the call, passed to the agent (the caller keeps its copies). */
int qrexec_local_call_start(const char *target, const char *service, const int fds[3],
			    int *ret_code, char reason[QREXEC_REASON_FIELD]);
/* Wait for the exit status; closes sock. 125 if the agent went away. */
int qrexec_local_call_wait(int sock);
