/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load-sink SOCKET HOLD: a socket service in one process for load tests. It accepts
 * connections on SOCKET (an rpc directory entry), reads each call's header, and holds every
 * call open until HOLD of them are open at once (or 30 s passed), so that the broker carries
 * them all concurrently; then answers each "ok\n" and closes it, and starts over.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"

#define MAX_CONNS 1024

static int conns[MAX_CONNS];
static int n_conns;

static void release_all(void)
{
	for (int i = 0; i < n_conns; i++) {
		if (write(conns[i], "ok\n", 3) < 0)
			perror("load-sink: write");
		close(conns[i]);
	}
	n_conns = 0;
}

/* The header "Service+Arg SOURCE\0" comes first; read it whole before answering. */
static void read_header(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1 && c != '\0')
		;
}

int main(int argc, char **argv)
{
	int listen_fd = argc == 3 ? channel_listen(argv[1]) : -1;
	int hold = argc == 3 ? atoi(argv[2]) : 0;
	time_t first = 0;

	if (listen_fd < 0 || hold <= 0 || hold > MAX_CONNS) {
		fprintf(stderr, "Usage: load-sink SOCKET HOLD (1..%d)\n", MAX_CONNS);
		return 2;
	}
	for (;;) {
		struct pollfd p = { .fd = listen_fd, .events = POLLIN };
		int r = poll(&p, 1, 1000);
		if (r > 0) {
			int fd = accept(listen_fd, NULL, NULL);
			if (fd >= 0 && n_conns < MAX_CONNS) {
				read_header(fd);
				conns[n_conns++] = fd;
				first = n_conns == 1 ? time(NULL) : first;
			} else if (fd >= 0) {
				close(fd);
			}
		}
		if (n_conns >= hold || (n_conns > 0 && time(NULL) - first >= 30))
			release_all();
	}
}
