/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The raster PDF: Bulkhead writes every byte of it, so it holds exactly what this file says
 * and nothing the original document had. Objects: 1 catalog, 2 page tree, then per page a
 * page, its content stream (draw the image over the whole page), its image XObject (RGB,
 * 8 bits, FlateDecode) and the image's length (written after the stream, so pages are
 * compressed as they arrive and never held whole). Page size = pixels * 72 / dpi points.
 *
 * Trust: the pixels are untrusted but are only compressed; their count is checked against
 * the size the page announced, so a short or long page is an error, never a broken PDF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "macro.h"
#include "print.h"

#define OBJ_FIRST_PAGE 3
#define OBJS_PER_PAGE 4
#define OBJ_MAX (OBJ_FIRST_PAGE + OBJS_PER_PAGE * PRINT_PAGES_MAX)

struct pdf_writer {
	FILE *f;
	unsigned dpi;
	uint32_t pages;
	bool in_page;
	uint32_t width, height;
	uint64_t pixels_left; /* bytes the open page still needs */
	uint64_t stream_len;
	z_stream z;
	long offsets[OBJ_MAX + 1];
	uint8_t zbuf[64 * 1024];
};

int pdf_writer_new(int fd, unsigned dpi, struct pdf_writer **ret)
{
	_cleanup_free_ struct pdf_writer *w = calloc(1, sizeof(*w));
	int dfd;

	if (!w)
		return -ENOMEM;
	if ((dfd = dup(fd)) < 0)
		return -errno;
	w->f = fdopen(dfd, "w");
	if (!w->f)
		return close(dfd), -ENOMEM;
	w->dpi = dpi;
	/* The binary comment tells transfer tools the file is not text (PDF 1.7, 7.5.2). */
	if (fputs("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", w->f) < 0)
		return pdf_writer_free(TAKE_PTR(w)), -EIO;
	*ret = TAKE_PTR(w);
	return 0;
}

void pdf_writer_free(struct pdf_writer *w)
{
	if (!w)
		return;
	if (w->in_page)
		deflateEnd(&w->z);
	if (w->f)
		fclose(w->f);
	free(w);
}

static uint32_t obj_id(uint32_t page, int which)
{
	return OBJ_FIRST_PAGE + page * OBJS_PER_PAGE + (uint32_t)which;
}

static int obj_begin(struct pdf_writer *w, uint32_t id)
{
	w->offsets[id] = ftell(w->f);
	return fprintf(w->f, "%u 0 obj\n", id) < 0 ? -EIO : 0;
}

/* Page and content objects: the image scaled to the whole page, nothing else. */
static int write_page_objects(struct pdf_writer *w)
{
	uint32_t p = w->pages;
	double pw = w->width * 72.0 / w->dpi, ph = w->height * 72.0 / w->dpi;
	char content[128];
	int n = snprintf(content, sizeof(content), "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", pw, ph);

	if (obj_begin(w, obj_id(p, 0)) < 0 ||
	    fprintf(w->f,
		    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f]"
		    " /Resources << /XObject << /Im0 %u 0 R >> >> /Contents %u 0 R >>\nendobj\n",
		    pw, ph, obj_id(p, 2), obj_id(p, 1)) < 0)
		return -EIO;
	if (obj_begin(w, obj_id(p, 1)) < 0 ||
	    fprintf(w->f, "<< /Length %d >>\nstream\n%sendstream\nendobj\n", n, content) < 0)
		return -EIO;
	return 0;
}

int pdf_writer_page_begin(struct pdf_writer *w, uint32_t width, uint32_t height)
{
	if (w->in_page || w->pages >= PRINT_PAGES_MAX)
		return -E2BIG;
	if (width == 0 || height == 0 || width > PRINT_PAGE_SIDE_MAX ||
	    height > PRINT_PAGE_SIDE_MAX)
		return -EINVAL;
	w->width = width, w->height = height;
	w->pixels_left = (uint64_t)width * height * 3;
	w->stream_len = 0;
	if (write_page_objects(w) < 0 || obj_begin(w, obj_id(w->pages, 2)) < 0 ||
	    fprintf(w->f,
		    "<< /Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace /DeviceRGB"
		    " /BitsPerComponent 8 /Filter /FlateDecode /Length %u 0 R >>\nstream\n",
		    width, height, obj_id(w->pages, 3)) < 0)
		return -EIO;
	w->z = (z_stream){ 0 };
	/* Level 1: pages of text compress almost as well, several times faster. */
	if (deflateInit(&w->z, 1) != Z_OK)
		return -ENOMEM;
	w->in_page = true;
	return 0;
}

static int deflate_some(struct pdf_writer *w, int flush)
{
	int r;

	do {
		w->z.next_out = w->zbuf;
		w->z.avail_out = sizeof(w->zbuf);
		r = deflate(&w->z, flush);
		if (r == Z_STREAM_ERROR)
			return -EIO;
		size_t n = sizeof(w->zbuf) - w->z.avail_out;
		if (n && fwrite(w->zbuf, 1, n, w->f) != n)
			return -EIO;
		w->stream_len += n;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && r != Z_STREAM_END));
	return 0;
}

int pdf_writer_page_write(struct pdf_writer *w, const uint8_t *rgb, size_t len)
{
	if (!w->in_page)
		return -EINVAL;
	if (len > w->pixels_left)
		return -EMSGSIZE;
	w->pixels_left -= len;
	while (len > 0) {
		size_t n = MIN(len, (size_t)1 << 20);
		w->z.next_in = (uint8_t *)rgb;
		w->z.avail_in = (uInt)n;
		if (deflate_some(w, Z_NO_FLUSH) < 0)
			return -EIO;
		rgb += n, len -= n;
	}
	return 0;
}

int pdf_writer_page_end(struct pdf_writer *w)
{
	if (!w->in_page || w->pixels_left != 0)
		return -EINVAL;
	int r = deflate_some(w, Z_FINISH);
	deflateEnd(&w->z);
	w->in_page = false;
	if (r < 0)
		return r;
	if (fputs("\nendstream\nendobj\n", w->f) < 0 || obj_begin(w, obj_id(w->pages, 3)) < 0 ||
	    fprintf(w->f, "%llu\nendobj\n", (unsigned long long)w->stream_len) < 0)
		return -EIO;
	w->pages++;
	return 0;
}

static int write_tree(struct pdf_writer *w)
{
	if (obj_begin(w, 1) < 0 || fputs("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", w->f) < 0 ||
	    obj_begin(w, 2) < 0 || fputs("<< /Type /Pages /Kids [", w->f) < 0)
		return -EIO;
	for (uint32_t p = 0; p < w->pages; p++)
		if (fprintf(w->f, "%s%u 0 R", p ? " " : "", obj_id(p, 0)) < 0)
			return -EIO;
	return fprintf(w->f, "] /Count %u >>\nendobj\n", w->pages) < 0 ? -EIO : 0;
}

int pdf_writer_finish(struct pdf_writer *w)
{
	uint32_t count = obj_id(w->pages, 0);

	if (w->in_page || w->pages == 0)
		return -EINVAL;
	if (write_tree(w) < 0)
		return -EIO;
	long xref = ftell(w->f);
	if (fprintf(w->f, "xref\n0 %u\n0000000000 65535 f \n", count) < 0)
		return -EIO;
	for (uint32_t i = 1; i < count; i++)
		if (fprintf(w->f, "%010ld 00000 n \n", w->offsets[i]) < 0)
			return -EIO;
	if (fprintf(w->f, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", count,
		    xref) < 0 ||
	    fflush(w->f) != 0)
		return -EIO;
	return 0;
}

uint64_t pdf_writer_bytes(const struct pdf_writer *w)
{
	long pos = ftell(w->f);
	return pos < 0 ? 0 : (uint64_t)pos;
}
