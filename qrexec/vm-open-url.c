/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-open-url [--target VM | --dispvm] URL: the guest's default browser. Hands the URL to
 * bulkhead.OpenURL in another VM (by default @default, so the policy picks the VM; --dispvm:
 * @dispvm, a new disposable of this VM's default_dispvm), as the call's stdin.
 * Exit: as qrexec-client-vm (126 refused, 127 no such service, 125 other), 2 for usage/bad URL.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "local-call.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "qrexec.h"

static int usage(void)
{
	fprintf(stderr, "Usage: vm-open-url [--target VM | --dispvm] URL\n");
	return 2;
}

/* The URL and a newline go into a pipe that becomes the call's stdin; 8 KiB fits a pipe. */
static int url_pipe(const char *url)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	int r = fd_write_all(p[1], url, strlen(url));
	if (r >= 0)
		r = fd_write_all(p[1], "\n", 1);
	close(p[1]);
	if (r < 0)
		return safe_close(p[0]), r;
	return p[0];
}

static int open_url(const char *target, const char *url)
{
	char reason[QREXEC_REASON_FIELD];
	int code;
	_cleanup_close_ int in = url_pipe(url);

	if (in < 0)
		return QREXEC_EXIT_PROBLEM;
	int fds[3] = { in, 1, 2 };
	int sock = qrexec_local_call_start(target, "bulkhead.OpenURL", fds, &code, reason);
	if (sock < 0) {
		fprintf(stderr, "vm-open-url: %s: %s\n", url, reason);
		return code;
	}
	return qrexec_local_call_wait(sock);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "target", required_argument, NULL, 't' },
					      { "dispvm", no_argument, NULL, 'd' },
					      {} };
	const char *target = "@default";
	int o;

	log_set_ident("vm-open-url");
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o != 't' && o != 'd')
			return usage();
		target = o == 'd' ? "@dispvm" : optarg;
	}
	if (optind + 1 != argc)
		return usage();
	const char *url = argv[optind];
	if (strlen(url) > QREXEC_URL_MAX || !qrexec_url_looks_like_url(url)) {
		fprintf(stderr, "vm-open-url: not a URL: %.200s\n", url);
		return 2;
	}
	return open_url(target, url);
}
