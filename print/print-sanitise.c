/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-print-sanitise [--stats] < document.pdf > raster.pdf: the print path's sanitiser on
 * its own, for tests, benchmarks and by hand (docs/print.md). The output is written only when
 * the whole conversion succeeded; otherwise stdout stays empty, the reason goes to stderr and
 * the exit status is 1 (2: usage).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "print.h"
#include "spool.h"

static int sanitise(bool stats)
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
	if (print_sanitise(doc, out, &st, err, sizeof(err)) < 0)
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
	log_set_ident("bulkhead-print-sanitise");
	signal(SIGPIPE, SIG_IGN);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--stats") != 0)) {
		fprintf(stderr,
			"Usage: bulkhead-print-sanitise [--stats] < document.pdf > out.pdf\n");
		return 2;
	}
	return sanitise(argc == 2);
}
