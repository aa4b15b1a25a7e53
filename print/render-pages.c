/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer: in the host's sandbox (render.c) as its PID namespace's init, or in a
 * disposable VM as the bulkhead.PrintRender service (print-render-service.c). Poppler's tools
 * on the document, pdfinfo to count the pages, then one pdftoppm for all of them, whose page
 * files are FIFOs this process drains in order onto its output (one process per page cost
 * twice the rendering time in the benchmark). What pdfinfo prints is the document's doing:
 * its page count is read with a bounded scan, and the trusted side checks it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "print.h"
#include "render-internal.h"

#define PDFINFO "/usr/bin/pdfinfo"
#define PDFTOPPM "/usr/bin/pdftoppm"
#define INFO_MAX (64 * 1024)
#define PAGE_ROOT "p" /* page files: <dir>/p-N.ppm */

static const char *const tool_env[] = { "PATH=/usr/bin", "HOME=/", "LANG=C.UTF-8", NULL };

void print_render_limits(void)
{
	struct rlimit as = { PRINT_RENDER_MEMORY, PRINT_RENDER_MEMORY };
	struct rlimit cpu = { PRINT_RENDER_CPU_SECONDS, PRINT_RENDER_CPU_SECONDS + 1 };
	struct rlimit zero = { 0, 0 }, files = { 32, 32 };

	setrlimit(RLIMIT_AS, &as);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_FSIZE, &zero); /* poppler writes to FIFOs and the pipe only */
	setrlimit(RLIMIT_CORE, &zero);
	setrlimit(RLIMIT_NOFILE, &files);
}

static pid_t spawn(const char *const argv[], int out_fd, int null_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	if (dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 2) < 0)
		_exit(127);
	print_render_limits();
	signal(SIGPIPE, SIG_DFL); /* a page FIFO whose reader is gone ends poppler */
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

/* pdftoppm names page N of an n-page document ROOT-N.ppm, N zero-padded to n's digits. */
static void page_name(char *buf, size_t size, const char *dir, long page, long pages)
{
	int digits = 1;

	for (long n = pages; n >= 10; n /= 10)
		digits++;
	snprintf(buf, size, "%s/" PAGE_ROOT "-%0*ld.ppm", dir, digits, page);
}

/* Each page's output file is a FIFO: pdftoppm writes the pages one after the other into
 * them, and they stream out as they come, so no page is ever stored. */
static bool make_fifos(const char *dir, long pages)
{
	char name[PATH_MAX];

	for (long p = 1; p <= pages; p++) {
		page_name(name, sizeof(name), dir, p, pages);
		if (mkfifo(name, 0600) < 0)
			return false;
	}
	return true;
}

struct renderer {
	pid_t pid;
	int status; /* -1 while it runs */
};

static bool renderer_gone(struct renderer *r)
{
	int status;

	if (r->status < 0 && waitpid(r->pid, &status, WNOHANG) == r->pid)
		r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	return r->status >= 0;
}

/* Copy one page from its FIFO until pdftoppm closes it: true when a page came whole. A FIFO
 * opened without a writer reports neither data nor hangup, so the renderer is checked on
 * every quiet spell: gone before writing the page means the page failed. */
static bool copy_page(const char *name, struct renderer *r, int out_fd)
{
	static char buf[64 * 1024];
	bool data = false;
	int fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	while (fd >= 0) {
		struct pollfd p = { fd, POLLIN, 0 };
		int k = poll(&p, 1, 200);
		if (k == 0 && renderer_gone(r))
			break;
		if (k <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0 && fd_write_all(out_fd, buf, (size_t)n) < 0)
			break;
		data |= n > 0;
		if (n == 0 && (data || (p.revents & POLLHUP)))
			return close(fd), data;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
	}
	if (fd >= 0)
		close(fd);
	return false;
}

static bool render_all(const char *dir, const char *doc, long pages, int out_fd, int null_fd)
{
	char dpi[16], last[16], name[PATH_MAX], root[PATH_MAX];

	snprintf(dpi, sizeof(dpi), "%u", PRINT_DPI);
	snprintf(last, sizeof(last), "%ld", pages);
	snprintf(root, sizeof(root), "%s/" PAGE_ROOT, dir);
	const char *const argv[] = { PDFTOPPM, "-r", dpi, "-f", "1", "-l", last, doc, root, NULL };
	if (!make_fifos(dir, pages))
		return false;
	struct renderer r = { spawn(argv, null_fd, null_fd), -1 };
	if (r.pid < 0)
		return false;
	for (long p = 1; p <= pages; p++) {
		page_name(name, sizeof(name), dir, p, pages);
		if (!copy_page(name, &r, out_fd))
			return kill(r.pid, SIGKILL), waited_ok(r.pid), false;
	}
	return r.status >= 0 ? r.status == 0 : waited_ok(r.pid);
}

int print_render_pages(const char *dir, int out_fd, int null_fd)
{
	char line[32], doc[PATH_MAX];

	signal(SIGPIPE, SIG_IGN); /* a reader that stops early: EPIPE, and the tools are stopped */
	signal(SIGXFSZ, SIG_IGN); /* a write over RLIMIT_FSIZE fails instead of killing */
	snprintf(doc, sizeof(doc), "%s/" PRINT_RENDER_DOC, dir);
	long pages = count_pages(doc, null_fd);
	if (pages < 0)
		return PRINT_RENDER_NOT_PDF;
	int n = snprintf(line, sizeof(line), "PAGES %ld\n", pages);
	if (fd_write_all(out_fd, line, (size_t)n) < 0)
		return PRINT_RENDER_PAGE;
	if (pages > (long)PRINT_PAGES_MAX)
		return PRINT_RENDER_OK; /* the trusted side refuses, with the count */
	return render_all(dir, doc, pages, out_fd, null_fd) ? PRINT_RENDER_OK : PRINT_RENDER_PAGE;
}
