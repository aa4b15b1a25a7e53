/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-print [--target VM] FILE: print a PDF from this VM on the printer of the print VM the
 * policy names (bulkhead.Print; default target @default, so the policy or the user picks).
 * The host renders it to pixels and rebuilds it first, so nothing active in it reaches the
 * print VM (docs/print.md). Exit: 0 handed to the print VM's CUPS, 65 the document was
 * refused (why: on stderr), 66 cannot read FILE, 126 refused by policy, 125 other, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "print-call.h"
#include "qrexec.h"

static int usage(void)
{
	fprintf(stderr, "Usage: vm-print [--target VM] FILE\n");
	return 2;
}

static int print_file(const char *target, const char *path)
{
	_cleanup_close_ int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(0);
	char err[QREXEC_REASON_FIELD + 64];

	if (fd < 0)
		return fprintf(stderr, "vm-print: %s: %s\n", path, strerror(errno)),
		       PRINT_EXIT_NOINPUT;
	int r = print_check_document(fd, err, sizeof(err));
	if (r < 0)
		return fprintf(stderr, "vm-print: %s: %s\n", path, err), PRINT_EXIT_REJECTED;
	err[0] = '\0';
	int status = print_call(target, fd, 1, 2, err, sizeof(err));
	if (err[0])
		fprintf(stderr, "vm-print: %s: %s\n", path, err);
	else if (status == PRINT_EXIT_REJECTED)
		fprintf(stderr, "vm-print: %s: not printed\n", path);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "target", required_argument, NULL, 't' }, {} };
	const char *target = "@default";
	int o;

	log_set_ident("vm-print");
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o != 't')
			return usage();
		target = optarg;
	}
	if (optind + 1 != argc)
		return usage();
	return print_file(target, argv[optind]);
}
