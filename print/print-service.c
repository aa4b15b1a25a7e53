/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.Print, the receiver in the print VM: submits the document to this VM's CUPS with
 * `lp`, titled with the caller's name. The printer is $BULKHEAD_PRINTER, else the first line
 * of ~/.config/bulkhead/printer, else CUPS's default destination.
 *
 * Trust: the broker runs this only with what the host's filter made (qrexec/daemon-filter.c):
 * a raster PDF of Bulkhead's writer. It is still bounded (PRINT_OUTPUT_MAX) and must start
 * with "%PDF-"; the caller's name (QREXEC_REMOTE_DOMAIN, set by the broker) is checked as a VM
 * name before it goes into the title, and no shell sees anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "print.h"
#include "spool.h"
#include "validate.h"

static char *printer_name(void)
{
	const char *env = getenv("BULKHEAD_PRINTER"), *home = getenv("HOME");
	char path[4096], *text = NULL;
	size_t len;

	if (env && *env)
		return strdup(env);
	snprintf(path, sizeof(path), "%s/.config/bulkhead/printer", home ? home : "/");
	if (fd_read_file(AT_FDCWD, path, 4096, &text, &len) < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	if (*text)
		return text;
	free(text);
	return NULL;
}

/* lp reads the file itself: it is the memfd, seen through /proc/self/fd. */
static int submit(int doc, const char *source)
{
	_cleanup_free_ char *printer = printer_name();
	char title[128], path[64];
	const char *argv[10];
	size_t n = 0;
	int status;

	snprintf(title, sizeof(title), "%s: document", source);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", doc);
	argv[n++] = "lp";
	if (printer)
		argv[n++] = "-d", argv[n++] = printer;
	argv[n++] = "-t", argv[n++] = title, argv[n++] = "--", argv[n++] = path;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		fcntl(doc, F_SETFD, 0);
		execvp("lp", (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	const char *source = getenv("QREXEC_REMOTE_DOMAIN");
	_cleanup_close_ int doc = print_memfd("printout");
	char magic[5];

	log_set_ident("bulkhead.Print");
	if (!source || !vm_name_is_valid(source))
		return log_error("No valid caller name."), 1;
	if (doc < 0 || print_spool_fd(0, doc, PRINT_OUTPUT_MAX, NULL) < 0)
		return log_error("Could not take the document from %s (over %u MiB?).", source,
				 PRINT_OUTPUT_MAX >> 20),
		       1;
	if (pread(doc, magic, sizeof(magic), 0) != sizeof(magic) || memcmp(magic, "%PDF-", 5))
		return log_error("The document from %s is not a PDF.", source), 1;
	int r = submit(doc, source);
	if (r != 0)
		log_error("lp failed (status %d): is a printer set up in this VM?", r);
	return r == 0 ? 0 : 1;
}
