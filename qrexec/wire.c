/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filling wire structs: fixed fields zero-padded so no stack bytes ever reach a peer. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "qrexec.h"
#include "strutil.h"

int qrexec_exec_request_init(struct qrexec_exec_request *e, const char *source, const char *target,
			     const char *service, uint32_t flags)
{
	memset(e, 0, sizeof(*e));
	e->flags = htole32(flags);
	if (str_copy(e->source, sizeof(e->source), source) < 0 ||
	    str_copy(e->target, sizeof(e->target), target) < 0 ||
	    str_copy(e->service, sizeof(e->service), service) < 0)
		return -ENAMETOOLONG;
	return 0;
}

void qrexec_refused_init(struct qrexec_refused *r, int code, const char *reason)
{
	memset(r, 0, sizeof(*r));
	r->code = (int32_t)htole32((uint32_t)code);
	strncpy(r->reason, reason, sizeof(r->reason) - 1);
}
