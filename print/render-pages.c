/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs inside the renderer's sandbox (render.c), as its PID namespace's init: poppler's tools
 * on the document, one process per page, so that a page that hangs or blows up costs only its
 * own CPU and memory limits. What pdfinfo prints is the document's doing: its page count is
 * read with a bounded scan, and the trusted side checks the count again.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "print.h"
#include "render-internal.h"

#define PDFINFO "/usr/bin/pdfinfo"
#define PDFTOPPM "/usr/bin/pdftoppm"
#define INFO_MAX (64 * 1024)

static const char *const tool_env[] = { "PATH=/usr/bin", "HOME=/", "LANG=C.UTF-8", NULL };

static pid_t spawn(const char *const argv[], int out_fd, int null_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 2) < 0)
		_exit(127);
	execve(argv[0], (char *const *)argv, (char *const *)tool_env);
	_exit(127);
}

static bool waited_ok(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* "Pages:" at the start of a line of pdfinfo's output, then spaces and a number. */
static long pages_of(char *info)
{
	for (char *line = info; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "Pages:", 6) != 0)
			continue;
		char *end;
		long n = strtol(line + 6, &end, 10);
		return end != line + 6 && n > 0 && n < 1000000000 ? n : -1;
	}
	return -1;
}

static long count_pages(const char *doc, int null_fd)
{
	const char *const argv[] = { PDFINFO, doc, NULL };
	static char info[INFO_MAX + 1];
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = spawn(argv, p[1], null_fd);
	close(p[1]);
	ssize_t n = pid > 0 ? fd_read_full(p[0], info, INFO_MAX) : -1;
	close(p[0]);
	if (pid < 0 || !waited_ok(pid) || n < 0)
		return -1;
	info[n] = '\0';
	return pages_of(info);
}

static bool render_page(const char *doc, long page, int out_fd, int null_fd)
{
	char first[16], dpi[16];

	snprintf(first, sizeof(first), "%ld", page);
	snprintf(dpi, sizeof(dpi), "%u", PRINT_DPI);
	const char *const argv[] = { PDFTOPPM, "-r",  dpi,	     "-f", first,
				     "-l",     first, "-singlefile", doc,  NULL };
	pid_t pid = spawn(argv, out_fd, null_fd);
	return pid > 0 && waited_ok(pid);
}

int print_render_pages(const char *doc, int out_fd, int null_fd)
{
	char line[32];

	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_IGN); /* a write over RLIMIT_FSIZE fails instead of killing */
	long pages = count_pages(doc, null_fd);
	if (pages < 0)
		return PRINT_RENDER_NOT_PDF;
	int n = snprintf(line, sizeof(line), "PAGES %ld\n", pages);
	if (fd_write_all(out_fd, line, (size_t)n) < 0)
		return PRINT_RENDER_PAGE;
	if (pages > (long)PRINT_PAGES_MAX)
		return PRINT_RENDER_OK; /* the trusted side refuses, with the count */
	for (long p = 1; p <= pages; p++)
		if (!render_page(doc, p, out_fd, null_fd))
			return PRINT_RENDER_PAGE;
	return PRINT_RENDER_OK;
}
