/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.PrintRender, the renderer in a disposable VM (docs/print.md). The host's print
 * filter starts a new disposable for each job and calls this service in it, straight through
 * the disposable's daemon, as "dom0". No VM may call it: the default policy denies it, and a
 * call from anyone but the host is refused here too (the broker names the real caller). The document comes on stdin; "PAGES n" and the pages as
 * binary PPMs go to stdout, exactly as from the host's sandbox (render-pages.c); the exit
 * status is one of PRINT_RENDER_*.
 *
 * Trust: the document is hostile and poppler parses it here, where nothing else lives: the
 * disposable is the isolation, and it is destroyed after the job. The limits of print.h are
 * still applied to poppler's tools, so that a document that makes them run away ends soon
 * with a reason.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "print.h"
#include "render-internal.h"
#include "spool.h"
#include "strutil.h"

/* The document, bounded, into a file of its own directory: poppler opens it by name. */
static int take_document(const char *dir)
{
	char path[PATH_MAX];

	if (str_printf(path, sizeof(path), "%s/" PRINT_RENDER_DOC, dir) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	return print_spool_fd(0, fd, PRINT_DOC_MAX, NULL);
}

/* The document and the page FIFOs: outside a disposable (tests), nothing should stay. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR"), *caller = getenv("QREXEC_REMOTE_DOMAIN");
	char dir[256];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), status;

	log_set_ident("bulkhead.PrintRender");
	if (!caller || !streq(caller, PRINT_RENDER_CALLER))
		return log_error("Only the host's print filter calls this service."),
		       PRINT_RENDER_SETUP;
	if (null < 0 ||
	    str_printf(dir, sizeof(dir), "%s/bulkhead-render.XXXXXX", tmp && *tmp ? tmp : "/tmp") <
		    0 ||
	    !mkdtemp(dir))
		return log_error_errno(errno, "Cannot make a directory to render in: %m"),
		       PRINT_RENDER_SETUP;
	int r = take_document(dir);
	if (r < 0) {
		log_error_errno(r, "Cannot take the document: %m");
		status = r == -EFBIG ? PRINT_RENDER_NOT_PDF : PRINT_RENDER_SETUP;
	} else {
		status = print_render_pages(dir, STDOUT_FILENO, null); /* poppler gets the limits */
	}
	remove_dir(dir);
	return status;
}
