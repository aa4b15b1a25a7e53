/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qrexec/policy-client.c against a scripted policy daemon: the query it sends, and what it makes
 * of each answer (allowed, denied, a redirect, malformed, none at all). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "fdio.h"
#include "msg.h"
#include "policy-client.h"
#include "tap.h"

enum answer { ALLOW, DENY, ALLOW_AT_NAME, WRONG_TYPE, HANG_UP };

static char sock[128];
static struct qrexec_policy_query seen; /* the last query the fake daemon read */

/* One connection: read the query, write it to `report`, answer as told. */
static _Noreturn void fake_daemon(int listen_fd, int report, enum answer a, const char *target)
{
	struct qrexec_policy_reply r = { .allowed = htole32(a == ALLOW || a == ALLOW_AT_NAME) };
	struct msg_header h;
	struct qrexec_policy_query q;
	int fd = accept(listen_fd, NULL, NULL);

	if (fd < 0 || fd_read_exact(fd, &h, sizeof(h)) < 0 || fd_read_exact(fd, &q, sizeof(q)) < 0)
		_exit(1);
	(void)!write(report, &q, sizeof(q));
	if (a == HANG_UP)
		_exit(0);
	strcpy(r.target, a == ALLOW_AT_NAME ? "@default" : target);
	msg_write(fd, a == WRONG_TYPE ? QREXEC_MSG_POLICY_QUERY : QREXEC_MSG_POLICY_REPLY,
		  le32toh(h.id), &r, sizeof(r));
	_exit(0);
}

static int query(enum answer a, const char *target, bool *allowed, char out[QREXEC_TARGET_FIELD])
{
	int l = channel_listen(sock), p[2];

	if (l < 0 || pipe(p) < 0)
		return -EIO;
	pid_t pid = fork();
	if (pid == 0)
		fake_daemon(l, p[1], a, target);
	close(l);
	close(p[1]);
	int r = qrexec_policy_query(sock, "work", "personal", "bulkhead.ClipboardPaste", "",
				    allowed, out);
	(void)!read(p[0], &seen, sizeof(seen));
	close(p[0]);
	waitpid(pid, NULL, 0);
	unlink(sock);
	return r;
}

int main(void)
{
	char dir[] = "/tmp/bulkhead-test-policy-client-XXXXXX", out[QREXEC_TARGET_FIELD];
	bool allowed;

	ok(mkdtemp(dir) != NULL, "scratch dir");
	snprintf(sock, sizeof(sock), "%s/policy.sock", dir);
	is_int(query(ALLOW, "personal", &allowed, out), 0, "an allow answer");
	ok(allowed && strcmp(out, "personal") == 0, "  is allowed, to personal");
	ok(strcmp(seen.source, "work") == 0 && strcmp(seen.target, "personal") == 0 &&
		   strcmp(seen.service, "bulkhead.ClipboardPaste") == 0,
	   "  the query named source, target and service (no '+' without an argument)");
	is_int(query(DENY, "", &allowed, out), 0, "a deny answer");
	ok(!allowed && out[0] == '\0', "  is denied");
	is_int(query(ALLOW_AT_NAME, "", &allowed, out), 0, "allowed to '@default'");
	ok(!allowed, "  is no usable target: denied");
	is_int(query(WRONG_TYPE, "personal", &allowed, out), -EBADMSG, "a message of another type");
	ok(!allowed, "  denies");
	is_int(query(HANG_UP, "", &allowed, out), -ECONNRESET, "a daemon that hangs up");
	ok(!allowed, "  denies");
	is_int(qrexec_policy_query(sock, "work", "personal", "bulkhead.ClipboardPaste", "",
				   &allowed, out),
	       -ENOENT, "no daemon: ENOENT");
	is_int(qrexec_policy_query_send(sock, "-bad", "personal", "x", ""), -EINVAL,
	       "an invalid source is refused before connecting");
	rmdir(dir);
	return tap_done();
}
