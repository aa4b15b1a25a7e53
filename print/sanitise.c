/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The conversion: the renderer's output stream, from the host's sandbox (render.c) or from a
 * disposable VM (render-dispvm.c), is parsed page by page (untrusted-ppm.c) and fed into the
 * raster PDF writer (pdf-writer.c), under one deadline.
 * Trust: everything read from the renderer is untrusted; it is bounded by the page count, the
 * page sizes and the output limit of print.h, and its end must match what it announced. A job
 * that breaks any rule leaves a message saying which, and the output is not to be used.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "print.h"

#define READ_CHUNK (256 * 1024)

enum conv_state { WANT_PAGES, WANT_HEADER, WANT_DATA, WANT_EOF };

struct print_conv {
	enum conv_state state;
	uint8_t buf[READ_CHUNK];
	size_t len;
	uint32_t pages, done;
	size_t left; /* pixel bytes still due on the open page */
	struct pdf_writer *w;
	char *err;
	size_t errlen;
};

static _printf_(2, 3) int fail(struct print_conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_pages(struct print_conv *c, size_t *used)
{
	int r = print_pages_line_parse(c->buf, c->len, &c->pages, used);

	if (r < 0)
		return fail(c, "the renderer's output was malformed (page count)");
	if (r == 1 && c->pages > PRINT_PAGES_MAX)
		return fail(c, "the document has %u pages; at most %u are printed", c->pages,
			    PRINT_PAGES_MAX);
	if (r == 1)
		c->state = WANT_HEADER;
	return r;
}

static int on_header(struct print_conv *c, size_t *used)
{
	struct print_ppm ppm;
	int r = print_ppm_header_parse(c->buf, c->len, &ppm);

	if (r == -E2BIG)
		return fail(c, "page %u is %ux%u pixels at %u DPI; at most %ux%u (%u Mpixels)",
			    c->done + 1, ppm.width, ppm.height, PRINT_DPI, PRINT_PAGE_SIDE_MAX,
			    PRINT_PAGE_SIDE_MAX, PRINT_PAGE_PIXELS_MAX >> 20);
	if (r < 0)
		return fail(c, "the renderer's output was malformed (page %u)", c->done + 1);
	if (r == 0)
		return 0;
	if (pdf_writer_page_begin(c->w, ppm.width, ppm.height) < 0)
		return fail(c, "cannot write the output (page %u)", c->done + 1);
	*used = ppm.header_len;
	c->left = ppm.data_len;
	c->state = WANT_DATA;
	return 1;
}

static int on_data(struct print_conv *c, size_t *used)
{
	size_t n = MIN(c->len, c->left);

	if (pdf_writer_page_write(c->w, c->buf, n) < 0)
		return fail(c, "cannot write the output (page %u)", c->done + 1);
	if (pdf_writer_bytes(c->w) > PRINT_OUTPUT_MAX)
		return fail(c, "the printout would be over %u MiB", PRINT_OUTPUT_MAX >> 20);
	*used = n;
	c->left -= n;
	if (c->left > 0)
		return 1;
	if (pdf_writer_page_end(c->w) < 0)
		return fail(c, "cannot write the output (page %u)", c->done + 1);
	c->state = ++c->done == c->pages ? WANT_EOF : WANT_HEADER;
	return 1;
}

/* Consume what the buffer holds; 0 when it needs more bytes, -EBADMSG on a broken rule. */
static int consume(struct print_conv *c)
{
	for (;;) {
		size_t used = 0;
		int r = 0;
		if (c->len == 0)
			return 0;
		if (c->state == WANT_PAGES)
			r = on_pages(c, &used);
		else if (c->state == WANT_HEADER)
			r = on_header(c, &used);
		else if (c->state == WANT_DATA)
			r = on_data(c, &used);
		else
			return fail(c, "the renderer sent more than the pages it announced");
		if (r <= 0)
			return r;
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
}

/* Take bytes the renderer sent: into the buffer, and on as far as they complete something.
 * The buffer never holds more than a header's worth unconsumed, so it always has room. */
static int feed(struct print_conv *c, const uint8_t *untrusted, size_t len)
{
	while (len > 0) {
		size_t n = MIN(len, sizeof(c->buf) - c->len);
		if (n == 0)
			return fail(c, "the renderer's output was malformed");
		memcpy(c->buf + c->len, untrusted, n);
		c->len += n, untrusted += n, len -= n;
		int r = consume(c);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Read until EOF or the deadline; -ETIMEDOUT, -EBADMSG, or 0 at EOF. */
static int pump(struct print_conv *c, int fd, long long deadline)
{
	static uint8_t buf[READ_CHUNK];

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		int k = poll(&p, 1, (int)MIN(left, 1000LL));
		if (k < 0 && errno != EINTR)
			return -errno;
		if (k <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0)
			return 0;
		if (n > 0 && feed(c, buf, (size_t)n) < 0)
			return -EBADMSG;
	}
}

static int renderer_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The renderer's end, read against what it sent: the one message the user gets. */
static int check_end(struct print_conv *c, int r, int status)
{
	if (r == -ETIMEDOUT)
		return fail(c, "rendering took longer than %u s", PRINT_TIMEOUT_SECONDS),
		       -ETIMEDOUT;
	if (r < 0)
		return r == -EBADMSG ? r : fail(c, "reading the renderer failed: %s", strerror(-r));
	if (status == PRINT_RENDER_SETUP)
		return fail(c, "the renderer could not be set up (its sandbox, or its VM)");
	if (status == PRINT_RENDER_NOT_PDF)
		return fail(c, "not a PDF document that can be read");
	if (status == PRINT_RENDER_PAGE || status > 128)
		return fail(c,
			    "page %u could not be rendered (damaged, or over the renderer's "
			    "limits of %u MiB and %u s of CPU)",
			    c->done + 1, PRINT_RENDER_MEMORY >> 20, PRINT_RENDER_CPU_SECONDS);
	if (status != 0)
		return fail(c, "the renderer failed (status %d)", status);
	if (c->state != WANT_EOF || c->len != 0)
		return fail(c, "the renderer's output ended early (page %u of %u)", c->done + 1,
			    c->pages);
	if (pdf_writer_finish(c->w) < 0)
		return fail(c, "cannot write the output");
	return 0;
}

int print_conv_new(int out_fd, char *err, size_t errlen, struct print_conv **ret)
{
	struct print_conv *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	c->err = err, c->errlen = errlen;
	if ((r = pdf_writer_new(out_fd, PRINT_DPI, &c->w)) < 0) {
		free(c);
		return snprintf(err, errlen, "cannot write the output: %s", strerror(-r)), r;
	}
	*ret = c;
	return 0;
}

void print_conv_free(struct print_conv *c)
{
	if (!c)
		return;
	pdf_writer_free(c->w);
	free(c);
}

int print_conv_feed(struct print_conv *c, const void *untrusted, size_t len)
{
	return feed(c, untrusted, len) < 0 ? -EBADMSG : 0;
}

int print_conv_end(struct print_conv *c, int r, int status, struct print_stats *stats)
{
	r = check_end(c, r, status);
	if (r == 0 && stats)
		*stats = (struct print_stats){ c->pages, pdf_writer_bytes(c->w) };
	return r;
}

int print_sanitise(int doc_fd, int out_fd, struct print_stats *stats, char *err, size_t errlen)
{
	struct print_conv *c = NULL;
	pid_t pid;
	int out, r = print_conv_new(out_fd, err, errlen, &c);

	if (r < 0)
		return r;
	if ((r = print_render_start(doc_fd, &pid, &out)) < 0) {
		print_conv_free(c);
		return snprintf(err, errlen, "cannot start the renderer: %s", strerror(-r)), r;
	}
	r = pump(c, out, now_ms() + PRINT_TIMEOUT_SECONDS * 1000LL);
	close(out);
	if (r < 0)
		kill(pid, SIGKILL); /* its namespace's processes die with it */
	r = print_conv_end(c, r, renderer_status(pid), stats);
	print_conv_free(c);
	return r;
}
