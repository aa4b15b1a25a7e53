/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trust: the agent is the guest's own trusted program; its answers are still size-checked. */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdio.h"
#include "local-call.h"
#include "macro.h"
#include "msg.h"
#include "paths.h"
#include "qrexec.h"
#include "strutil.h"

char *qrexec_agent_socket_path(void)
{
	const char *s = getenv("QREXEC_AGENT_SOCKET");

	if (s && *s)
		return str_new_printf("%s", s);
	_cleanup_free_ char *rt = bulkhead_runtime_dir();
	return rt ? str_new_printf("%s/qrexec-agent.sock", rt) : NULL;
}

static int agent_connect(void)
{
	_cleanup_free_ char *path = qrexec_agent_socket_path();
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!path)
		return -ENOMEM;
	if (str_copy(sa.sun_path, sizeof(sa.sun_path), path) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return TAKE_FD(fd);
}

/* The request and the fds in one sendmsg, so the agent gets both or neither. */
static int send_request(int fd, const char *target, const char *service, const int fds[3])
{
	struct {
		struct msg_header h;
		struct qrexec_call_request req;
	} __attribute__((packed)) m = { 0 };
	union {
		char buf[CMSG_SPACE(3 * sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };

	if (str_copy(m.req.target, sizeof(m.req.target), target) < 0 ||
	    str_copy(m.req.service, sizeof(m.req.service), service) < 0)
		return -ENAMETOOLONG;
	msg_header_encode(&m.h, QREXEC_MSG_LOCAL_CALL, 0, sizeof(m.req));
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(3 * sizeof(int)),
			       .cmsg_level = SOL_SOCKET,
			       .cmsg_type = SCM_RIGHTS };
	memcpy(CMSG_DATA(c), fds, 3 * sizeof(int));
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -EIO;
}

/* One small message from the agent: header then a payload of at most 128 bytes. */
static int read_reply(int fd, struct msg_header *h, void *payload, size_t size)
{
	int r = fd_read_exact(fd, h, sizeof(*h));

	if (r < 0)
		return r;
	uint32_t len = le32toh(h->len);
	if (len > size)
		return -EBADMSG;
	return fd_read_exact(fd, payload, len) < 0 ? -EPIPE : (int)len;
}

int qrexec_local_call_start(const char *target, const char *service, const int fds[3],
			    int *ret_code, char reason[QREXEC_REASON_FIELD])
{
	struct msg_header h;
	struct qrexec_refused ref;
	_cleanup_close_ int fd = agent_connect();

	*ret_code = QREXEC_EXIT_PROBLEM;
	str_copy(reason, QREXEC_REASON_FIELD, "cannot reach the qrexec agent");
	if (fd < 0 || send_request(fd, target, service, fds) < 0)
		return -1;
	int n = read_reply(fd, &h, &ref, sizeof(ref));
	if (n >= 0 && le32toh(h.type) == QREXEC_MSG_CONNECTED)
		return TAKE_FD(fd);
	if (n == (int)sizeof(ref) && le32toh(h.type) == QREXEC_MSG_REFUSED) {
		*ret_code = (int)(int32_t)le32toh((uint32_t)ref.code);
		ref.reason[sizeof(ref.reason) - 1] = '\0';
		str_copy(reason, QREXEC_REASON_FIELD, ref.reason);
	}
	return -1;
}

int qrexec_local_call_wait(int sock)
{
	struct msg_header h;
	struct qrexec_exit e;
	int n = read_reply(sock, &h, &e, sizeof(e));

	close(sock);
	if (n != (int)sizeof(e) || le32toh(h.type) != QREXEC_MSG_EXIT)
		return QREXEC_EXIT_PROBLEM;
	return (int)(int32_t)le32toh((uint32_t)e.status);
}
