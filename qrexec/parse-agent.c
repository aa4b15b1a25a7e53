/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: every message parsed here was written by a VM (the agent on a channel) or passed
 * through a host daemon from one. Sizes are checked before anything is copied; fixed name
 * fields must hold their NUL; names are accepted only through common/validate.h. Nothing
 * leaves this file as untrusted_*: a caller gets validated values or an error.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "qrexec.h"
#include "strutil.h"

int qrexec_field_copy(char *dst, const char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		return -EBADMSG;
	memcpy(dst, field, size);
	return 0;
}

bool qrexec_target_is_valid(const char *s)
{
	const char *vm;

	if (streq(s, "") || streq(s, "@default") || streq(s, "@adminvm") || streq(s, "@dispvm"))
		return true;
	vm = str_startswith(s, "@dispvm:");
	return vm_name_is_valid(vm ? vm : s);
}

int qrexec_parse_hello(const struct msg *m, uint32_t *ret_version)
{
	struct qrexec_hello h;

	if (m->id != 0 || m->len != sizeof(h))
		return -EBADMSG;
	memcpy(&h, m->payload, sizeof(h));
	uint32_t lo = le32toh(h.version_min), hi = le32toh(h.version_max);
	if (lo > hi || lo > QREXEC_PROTOCOL_VERSION)
		return -EPROTO;
	*ret_version = MIN(hi, (uint32_t)QREXEC_PROTOCOL_VERSION);
	return 0;
}

/* Validate "Service+Arg" and the target into a qrexec_call. */
static int call_validate(const char *untrusted_target, const char *untrusted_service,
			 struct qrexec_call *ret)
{
	if (!qrexec_target_is_valid(untrusted_target))
		return -EINVAL;
	if (service_split(untrusted_service, ret->service, ret->argument) < 0)
		return -EINVAL;
	/* Both validated: the names may now be used and logged as they are. */
	str_copy(ret->target, sizeof(ret->target), untrusted_target);
	str_copy(ret->full, sizeof(ret->full), untrusted_service);
	return 0;
}

int qrexec_parse_call_request(const struct msg *m, struct qrexec_call *ret)
{
	struct qrexec_call_request req;
	char untrusted_target[QREXEC_TARGET_FIELD], untrusted_service[QREXEC_SERVICE_FIELD];

	*ret = (struct qrexec_call){ 0 };
	if (m->len != sizeof(req))
		return -EBADMSG;
	memcpy(&req, m->payload, sizeof(req));
	if (qrexec_field_copy(untrusted_target, req.target, sizeof(req.target)) < 0 ||
	    qrexec_field_copy(untrusted_service, req.service, sizeof(req.service)) < 0)
		return -EBADMSG;
	return call_validate(untrusted_target, untrusted_service, ret);
}

int qrexec_parse_exec_request(const struct msg *m, struct qrexec_exec *ret)
{
	struct qrexec_exec_request req;
	char untrusted_target[QREXEC_TARGET_FIELD], untrusted_service[QREXEC_SERVICE_FIELD];

	*ret = (struct qrexec_exec){ 0 };
	if (m->len < sizeof(req))
		return -EBADMSG;
	memcpy(&req, m->payload, sizeof(req));
	ret->flags = le32toh(req.flags);
	if (qrexec_field_copy(ret->source, req.source, sizeof(req.source)) < 0 ||
	    qrexec_field_copy(untrusted_target, req.target, sizeof(req.target)) < 0 ||
	    qrexec_field_copy(untrusted_service, req.service, sizeof(req.service)) < 0)
		return -EBADMSG;
	if ((ret->flags & ~(QREXEC_EXEC_COMMAND | QREXEC_EXEC_AS_ROOT)) || req.reserved)
		return -EBADMSG;
	if ((ret->flags & QREXEC_EXEC_AS_ROOT) && !(ret->flags & QREXEC_EXEC_COMMAND))
		return -EBADMSG;
	if (!(ret->flags & QREXEC_EXEC_COMMAND) && m->len != sizeof(req))
		return -EBADMSG;
	ret->command = (const char *)m->payload + sizeof(req);
	ret->command_len = m->len - sizeof(req);
	if (!vm_name_is_valid(ret->source))
		return -EINVAL;
	return call_validate(untrusted_target, untrusted_service, &ret->call);
}

int qrexec_parse_refused(const struct msg *m, int *ret_code, char reason[QREXEC_REASON_FIELD])
{
	struct qrexec_refused r;

	if (m->len != sizeof(r))
		return -EBADMSG;
	memcpy(&r, m->payload, sizeof(r));
	int32_t code = (int32_t)le32toh((uint32_t)r.code);
	if (code != QREXEC_EXIT_REFUSED && code != QREXEC_EXIT_NOT_FOUND &&
	    code != QREXEC_EXIT_PROBLEM)
		return -EBADMSG;
	/* The reason is shown to a user: keep printable ASCII only, whatever the VM sent. */
	size_t n = strnlen(r.reason, sizeof(r.reason) - 1);
	for (size_t i = 0; i < n; i++)
		reason[i] = r.reason[i] >= 0x20 && r.reason[i] < 0x7f ? r.reason[i] : '?';
	reason[n] = '\0';
	*ret_code = code;
	return 0;
}

int qrexec_parse_window(const struct msg *m, uint32_t *ret_bytes)
{
	struct qrexec_window w;

	if (m->len != sizeof(w))
		return -EBADMSG;
	memcpy(&w, m->payload, sizeof(w));
	*ret_bytes = le32toh(w.bytes);
	return *ret_bytes > 0 && *ret_bytes <= QREXEC_WINDOW ? 0 : -EBADMSG;
}

int qrexec_parse_exit(const struct msg *m, int *ret_status)
{
	struct qrexec_exit e;

	if (m->len != sizeof(e))
		return -EBADMSG;
	memcpy(&e, m->payload, sizeof(e));
	int32_t status = (int32_t)le32toh((uint32_t)e.status);
	if (status < 0 || status > 255)
		return -EBADMSG;
	*ret_status = status;
	return 0;
}
