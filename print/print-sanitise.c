/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-print-sanitise [--stats] [--render-with PROGRAM] < document.pdf > raster.pdf: the
 * print path's sanitiser on its own, for tests, benchmarks and by hand (docs/print.md). The
 * output is written only when the whole conversion succeeded; otherwise stdout stays empty,
 * the reason goes to stderr and the exit status is 1 (2: usage).
 *
 * --render-with runs PROGRAM as the renderer instead of the host's sandbox, unconfined, with
 * the document on its stdin: the disposable's bulkhead.PrintRender tested without a VM. Not
 * for hostile documents.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "print.h"
#include "spool.h"

/* PROGRAM's output through the same parser and writer as a disposable's (print_conv_*). */
static int render_with(const char *program, int doc, int out, struct print_stats *st, char *err,
		       size_t errlen)
{
	static uint8_t buf[64 * 1024];
	struct print_conv *c = NULL;
	int p[2], status, r = print_conv_new(out, err, errlen, &c);
	ssize_t n;

	if (r < 0 || pipe2(p, O_CLOEXEC) < 0 || lseek(doc, 0, SEEK_SET) < 0)
		return print_conv_free(c), r < 0 ? r : -errno;
	pid_t pid = fork();
	if (pid == 0) {
		if (dup2(doc, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		execl(program, program, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0 && print_conv_feed(c, buf, (size_t)n) >= 0)
		;
	r = n < 0 ? -errno : n > 0 ? -EBADMSG : 0;
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 128;
	r = print_conv_end(c, r, WIFEXITED(status) ? WEXITSTATUS(status) : 128, st);
	print_conv_free(c);
	return r;
}

static int sanitise(bool stats, const char *renderer)
{
	_cleanup_close_ int doc = print_memfd("document");
	_cleanup_close_ int out = print_memfd("printout");
	struct print_stats st;
	char err[256];

	if (doc < 0 || out < 0)
		return log_error_errno(doc < 0 ? doc : out, "memfd: %m"), 1;
	int r = print_spool_fd(0, doc, PRINT_DOC_MAX, NULL);
	if (r == -EFBIG)
		return log_error("The document is over %u MiB.", PRINT_DOC_MAX >> 20), 1;
	if (r < 0)
		return log_error_errno(r, "Reading the document: %m"), 1;
	r = renderer ? render_with(renderer, doc, out, &st, err, sizeof(err))
		     : print_sanitise(doc, out, &st, err, sizeof(err));
	if (r < 0)
		return log_error("Not printed: %s.", err), 1;
	if (stats)
		fprintf(stderr, "pages %u bytes %llu\n", st.pages,
			(unsigned long long)st.out_bytes);
	r = print_copy_out(out, 1);
	if (r < 0)
		return log_error_errno(r, "Writing the result: %m"), 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "render-with", required_argument, NULL, 'r' },
		{},
	};
	const char *renderer = NULL;
	bool stats = false;
	int o;

	log_set_ident("bulkhead-print-sanitise");
	signal(SIGPIPE, SIG_IGN);
	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o == 's')
			stats = true;
		else if (o == 'r')
			renderer = optarg;
		else
			optind = argc + 1;
	}
	if (optind != argc) {
		fprintf(stderr, "Usage: bulkhead-print-sanitise [--stats] [--render-with PROGRAM] "
				"< document.pdf > out.pdf\n");
		return 2;
	}
	return sanitise(stats, renderer);
}
