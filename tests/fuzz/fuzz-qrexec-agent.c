/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what a qrexec daemon reads from a VM's agent. The bytes go through the framing
 * (msg_reader with qrexec's maximum) and every message through the parser of its type
 * (qrexec/parse-agent.c), as the daemon does; parsed names must come out valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qrexec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_one(const struct msg *m)
{
	struct qrexec_call call;
	struct qrexec_exec exec;
	char reason[QREXEC_REASON_FIELD];
	uint32_t u;
	int code;

	qrexec_parse_hello(m, &u);
	if (qrexec_parse_call_request(m, &call) == 0 &&
	    (!service_name_is_valid(call.service) || !qrexec_target_is_valid(call.target)))
		abort();
	if (qrexec_parse_exec_request(m, &exec) == 0 && !vm_name_is_valid(exec.source))
		abort();
	if (qrexec_parse_refused(m, &code, reason) == 0 && strlen(reason) >= sizeof(reason))
		abort();
	qrexec_parse_window(m, &u);
	qrexec_parse_exit(m, &code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_reader r;
	struct msg m;
	int k = 0;

	if (msg_reader_init(&r, QREXEC_MSG_MAX) < 0)
		return 0;
	while (size > 0 && k >= 0) {
		size_t taken = msg_reader_push(&r, data, size);
		data += taken, size -= taken;
		while ((k = msg_reader_next(&r, &m)) == 1)
			parse_one(&m);
		if (taken == 0)
			break;
	}
	msg_reader_finish(&r);
	return 0;
}
