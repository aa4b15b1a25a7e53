/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-save-to [--vm VM] FILE: offer FILE to another VM, whose user chooses in their own save
 * dialog where to keep it (bulkhead.SaveFile, docs/savefile-protocol.md). Without --vm the
 * policy chooses the VM (@default: its target= or the ask prompt).
 *
 * The call goes straight through this VM's qrexec agent: the service's stdin is a pipe we fill
 * with the header and the file, its stdout a pipe that brings back one word. We learn only
 * whether the file was saved, never where.
 *
 * Exit: 0 saved, 1 cancelled in the target, 2 usage or a local error, 3 refused or failed in
 * the target, 126 refused by policy, 127 no such service there, 125 other broker problems.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "local-call.h"
#include "log.h"
#include "macro.h"
#include "qrexec.h"
#include "savefile.h"

#define SEND_BUFSIZE (256 * 1024)

struct offer {
	int fd;
	const char *path;
	char name[FILECOPY_NAME_MAX + 1];
	uint64_t size;
};

static int usage(FILE *f, int code)
{
	fprintf(f, "Usage: vm-save-to [--vm VM] FILE\n\n"
		   "Offer FILE to another VM; its user chooses where to save it there. Without\n"
		   "--vm, the policy for bulkhead.SaveFile (or your answer to its prompt) picks\n"
		   "the VM.\n");
	return code;
}

static int open_offer(const char *path, struct offer *o)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;

	*o = (struct offer){ .fd = open(path, O_RDONLY | O_CLOEXEC), .path = path };
	if (o->fd < 0 || fstat(o->fd, &st) < 0) {
		int r = negative_errno();
		fprintf(stderr, "vm-save-to: cannot open '%s': %s\n", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode))
		return fprintf(stderr, "vm-save-to: '%s' is not a regular file\n", path), -EINVAL;
	if (filecopy_leaf_name_parse(base, strlen(base), o->name) < 0) {
		fprintf(stderr,
			"vm-save-to: the name '%s' cannot be offered (too long, or "
			"characters other VMs do not accept): rename the file first\n",
			base);
		return -EINVAL;
	}
	o->size = (uint64_t)st.st_size;
	return 0;
}

/* Write buf to out; returns 1 as soon as the target has answered (it will read no more),
 * 0 when all was written, or -errno. out is non-blocking. */
static int send_buf(int out, int reply_fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		struct pollfd p[2] = { { .fd = out, .events = POLLOUT },
				       { .fd = reply_fd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents)
			return 1;
		ssize_t n = write(out, buf, len);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0)
			buf += n, len -= (size_t)n;
	}
	return 0;
}

/* The header, then the file: 0, 1 (the target answered early), or -errno. */
static int send_offer(const struct offer *o, int out, int reply_fd)
{
	_cleanup_free_ uint8_t *buf = malloc(SEND_BUFSIZE);
	uint64_t left = o->size;
	ssize_t n = buf ? savefile_header_encode(buf, o->name, o->size) : -ENOMEM;
	int r = n < 0 ? (int)n : send_buf(out, reply_fd, buf, (size_t)n);

	while (r == 0 && left > 0) {
		n = read(o->fd, buf, (size_t)MIN(left, (uint64_t)SEND_BUFSIZE));
		if (n <= 0) /* shorter than when we looked: the target must not keep half of it */
			return n < 0 ? -errno : -ENODATA;
		r = send_buf(out, reply_fd, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	return r;
}

static int read_reply(int fd, enum savefile_reply *ret)
{
	char buf[SAVEFILE_REPLY_MAX];
	ssize_t n = fd_read_full(fd, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return savefile_reply_parse(buf, (size_t)n, ret);
}

static int report(const struct offer *o, int r, enum savefile_reply answer)
{
	if (r == -ENODATA)
		fprintf(stderr, "vm-save-to: '%s' shrank while it was sent; nothing was saved\n",
			o->path);
	else if (r < 0)
		fprintf(stderr, "vm-save-to: no answer from the other VM (%s); nothing was saved\n",
			strerror(-r));
	else if (answer == SAVEFILE_SAVED)
		fprintf(stderr, "vm-save-to: '%s' was saved in the other VM\n", o->name);
	else if (answer == SAVEFILE_CANCELLED)
		fprintf(stderr, "vm-save-to: cancelled in the other VM; nothing was saved\n");
	else if (answer == SAVEFILE_REFUSED)
		fprintf(stderr,
			"vm-save-to: the other VM refused '%s' (its name, or a size over "
			"its limit); nothing was saved\n",
			o->name);
	else
		fprintf(stderr, "vm-save-to: saving failed in the other VM; nothing was saved\n");
	if (r < 0)
		return r == -ENODATA ? 2 : 3;
	return answer == SAVEFILE_SAVED ? 0 : answer == SAVEFILE_CANCELLED ? 1 : 3;
}

/* The call: our ends of its two pipes, and its socket. */
static int save_to(const char *target, const struct offer *o)
{
	char reason[QREXEC_REASON_FIELD];
	enum savefile_reply answer = SAVEFILE_FAILED;
	int in[2], out[2], code;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return fprintf(stderr, "vm-save-to: pipe: %m\n"), 2;
	int fds[3] = { in[0], out[1], STDERR_FILENO };
	int sock = qrexec_local_call_start(target, "bulkhead.SaveFile", fds, &code, reason);
	close(in[0]);
	close(out[1]);
	if (sock < 0) {
		fprintf(stderr, "vm-save-to: %s bulkhead.SaveFile: %s\n", target, reason);
		return close(in[1]), close(out[0]), code;
	}
	fd_set_nonblock(in[1], true);
	int r = send_offer(o, in[1], out[0]);
	close(in[1]); /* EOF: the target checks that the data ends where the header said */
	if (r >= 0)
		r = read_reply(out[0], &answer);
	close(out[0]);
	qrexec_local_call_wait(sock);
	return report(o, r, answer);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "vm", required_argument, NULL, 'v' },
					      { "help", no_argument, NULL, 'h' },
					      {} };
	const char *target = "@default";
	struct offer o;
	int c;

	log_set_ident("vm-save-to");
	signal(SIGPIPE, SIG_IGN);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) >= 0) {
		if (c == 'h')
			return usage(stdout, 0);
		if (c != 'v')
			return usage(stderr, 2);
		target = optarg;
	}
	if (optind + 1 != argc)
		return usage(stderr, 2);
	if (!qrexec_target_is_valid(target) || !target[0]) {
		fprintf(stderr, "vm-save-to: '%s' is not a valid VM name\n", target);
		return 2;
	}
	if (open_offer(argv[optind], &o) < 0)
		return 2;
	int r = save_to(target, &o);
	close(o.fd);
	return r;
}
