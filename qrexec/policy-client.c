/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the policy daemon is a host process of the same user; its answer is still read with a
 * bounded reader and its fields copied only when NUL-terminated, and "allowed" needs a valid
 * target, so a confused daemon can only cause a denial.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "macro.h"
#include "msg.h"
#include "paths.h"
#include "policy-client.h"
#include "qrexec.h"
#include "strutil.h"

/* The policy socket's query id: one query per connection, so any fixed non-zero value. */
#define QUERY_ID 1

char *qrexec_policy_socket_default(void)
{
	_cleanup_free_ char *runtime = bulkhead_runtime_dir();

	return runtime ? str_new_printf("%s/policy.sock", runtime) : NULL;
}

static int connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return TAKE_FD(fd);
}

static int query_init(struct qrexec_policy_query *q, const char *source, const char *target,
		      const char *service, const char *argument)
{
	char full[QREXEC_SERVICE_FIELD];

	if (!vm_name_is_valid(source) || !qrexec_target_is_valid(target) ||
	    !service_name_is_valid(service) || !service_argument_is_valid(argument))
		return -EINVAL;
	if (str_printf(full, sizeof(full), "%s%s%s", service, argument[0] ? "+" : "", argument) < 0)
		return -ENAMETOOLONG;
	*q = (struct qrexec_policy_query){ 0 };
	str_copy(q->source, sizeof(q->source), source);
	str_copy(q->target, sizeof(q->target), target);
	str_copy(q->service, sizeof(q->service), full);
	return 0;
}

int qrexec_policy_query_send(const char *socket_path, const char *source, const char *target,
			     const char *service, const char *argument)
{
	struct qrexec_policy_query q;
	int r = query_init(&q, source, target, service, argument);

	if (r < 0)
		return r;
	_cleanup_close_ int fd = connect_socket(socket_path);
	if (fd < 0)
		return fd;
	r = msg_write(fd, QREXEC_MSG_POLICY_QUERY, QUERY_ID, &q, sizeof(q));
	return r < 0 ? r : TAKE_FD(fd);
}

/* The one message the daemon sends on this connection. */
static int read_reply(int fd, struct qrexec_policy_reply *reply)
{
	struct msg_reader rd;
	struct msg m;
	int r = msg_reader_init(&rd, sizeof(*reply));

	while (r >= 0 && (r = msg_reader_next(&rd, &m)) == 0) {
		ssize_t k = msg_reader_fill(&rd, fd);
		r = k > 0 ? 0 : k == 0 ? -ECONNRESET : (int)k;
	}
	if (r == 1 &&
	    (m.type != QREXEC_MSG_POLICY_REPLY || m.id != QUERY_ID || m.len != sizeof(*reply)))
		r = -EBADMSG;
	if (r == 1)
		memcpy(reply, m.payload, sizeof(*reply));
	msg_reader_finish(&rd);
	return r == -EMSGSIZE ? -EBADMSG : r < 0 ? r : 0;
}

int qrexec_policy_query_recv(int fd, bool *allowed, char target_out[QREXEC_TARGET_FIELD])
{
	struct qrexec_policy_reply reply;
	int r = read_reply(fd, &reply);

	*allowed = false;
	target_out[0] = '\0';
	if (r < 0)
		return r;
	if (qrexec_field_copy(target_out, reply.target, QREXEC_TARGET_FIELD) < 0)
		return -EBADMSG;
	*allowed = le32toh(reply.allowed) == 1 && target_out[0] && target_out[0] != '@' &&
		   qrexec_target_is_valid(target_out);
	if (!*allowed)
		target_out[0] = '\0';
	return 0;
}

int qrexec_policy_query(const char *socket_path, const char *source, const char *target,
			const char *service, const char *argument, bool *allowed,
			char target_out[QREXEC_TARGET_FIELD])
{
	_cleanup_close_ int fd =
		qrexec_policy_query_send(socket_path, source, target, service, argument);

	*allowed = false;
	target_out[0] = '\0';
	if (fd < 0)
		return fd;
	return qrexec_policy_query_recv(fd, allowed, target_out);
}
