/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libprint's pure parts: the renderer-output parser and the raster PDF writer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "print.h"
#include "tap.h"

static int ppm(const char *s, struct print_ppm *p)
{
	return print_ppm_header_parse((const uint8_t *)s, strlen(s), p);
}

static void test_ppm(void)
{
	struct print_ppm p = { 0 };

	is_int(ppm("P6\n1240 1754\n255\n", &p), 1, "pdftoppm's header parses");
	is_int(p.width * 10000 + p.height, 12401754, "  width and height");
	is_int(p.header_len, 17, "  header length includes the one separator");
	is_int(p.data_len, 1240 * 1754 * 3, "  data length is w*h*3");
	is_int(ppm("P6 2 3 255 ", &p), 1, "spaces as separators");
	is_int(ppm("P6\n1240 1754\n25", &p), 0, "a cut header needs more bytes");
	is_int(ppm("P6\n1240 1754\n255", &p), 0, "  also before its last separator");
	is_int(ppm("P", &p), 0, "  also after one byte");
	is_int(ppm("P5\n2 2\n255\n", &p), -EBADMSG, "greyscale (P5) is refused");
	is_int(ppm("P6\n2 2\n65535\n", &p), -EBADMSG, "16-bit maxval is refused");
	is_int(ppm("P6\n# comment\n2 2\n255\n", &p), -EBADMSG, "comments are refused");
	is_int(ppm("P6\n02 2\n255\n", &p), -EBADMSG, "leading zeros are refused");
	is_int(ppm("P6\n-2 2\n255\n", &p), -EBADMSG, "signs are refused");
	is_int(ppm("P6\n0 2\n255\n", &p), -EBADMSG, "a zero width is refused");
	is_int(ppm("P6\n1234567890 2\n255\n", &p), -EBADMSG, "ten digits are refused");
	is_int(ppm("P6\n4001 10\n255\n", &p), -E2BIG, "a side over 4000 is over the limit");
	is_int(ppm("P6\n4000 4000\n255\n", &p), -E2BIG, "16 Mpixels are over the limit");
	is_int(ppm("P6\n4000 3145\n255\n", &p), 1, "12 Mpixels are within it");
	is_int(ppm("P6                                                                  ", &p),
	       -EBADMSG, "a header longer than 64 bytes is refused");
}

static void test_pages_line(void)
{
	uint32_t n = 0;
	size_t len = 0;

#define PAGES(s) print_pages_line_parse((const uint8_t *)(s), strlen(s), &n, &len)
	is_int(PAGES("PAGES 12\nP6"), 1, "PAGES line parses");
	is_int(n * 100 + len, 1209, "  12 pages, 9 bytes");
	is_int(PAGES("PAGES 12"), 0, "a cut line needs more");
	is_int(PAGES("PAG"), 0, "  also in its prefix");
	is_int(PAGES("PAGES 0\n"), -EBADMSG, "0 pages is malformed");
	is_int(PAGES("PAGEZ 1\n"), -EBADMSG, "a wrong word is malformed");
	is_int(PAGES("PAGES 1 \n"), -EBADMSG, "trailing bytes are malformed");
	is_int(PAGES("PAGES 5000\n"), 1, "a count over the limit parses (the caller refuses)");
#undef PAGES
}

/* Every xref entry must point at "N 0 obj": a reader finds every object where we say. */
static bool xref_consistent(const char *pdf, size_t len, unsigned *ret_count)
{
	const char *x = memmem(pdf, len, "\nxref\n0 ", 8);
	unsigned count;

	if (!x || sscanf(x + 8, "%u", &count) != 1)
		return false;
	const char *e = strchr(x + 8, '\n') + 1 + 20;
	for (unsigned i = 1; i < count; i++, e += 20) {
		char want[32];
		long off = strtol(e, NULL, 10);
		snprintf(want, sizeof(want), "%u 0 obj\n", i);
		if (off <= 0 || (size_t)off >= len || strncmp(pdf + off, want, strlen(want)))
			return false;
	}
	*ret_count = count;
	return true;
}

/* The PDF holds binary streams: search all of it, NUL bytes included. */
static bool has(const char *pdf, size_t len, const char *s)
{
	return memmem(pdf, len, s, strlen(s)) != NULL;
}

static void test_writer(void)
{
	int fd = memfd_create("pdf", 0);
	struct pdf_writer *w = NULL;
	uint8_t row[30 * 3];
	unsigned count = 0;

	memset(row, 0x80, sizeof(row));
	is_int(pdf_writer_new(fd, 150, &w), 0, "writer starts");
	is_int(pdf_writer_page_begin(w, 30, 20), 0, "page 1 begins");
	for (int y = 0; y < 20; y++)
		pdf_writer_page_write(w, row, sizeof(row));
	is_int(pdf_writer_page_write(w, row, 1), -EMSGSIZE, "a byte beyond the page is refused");
	is_int(pdf_writer_page_end(w), 0, "page 1 ends");
	is_int(pdf_writer_page_begin(w, 30, 20), 0, "page 2 begins");
	is_int(pdf_writer_page_end(w), -EINVAL, "a short page cannot end");
	pdf_writer_free(w);
	ftruncate(fd, 0);
	lseek(fd, 0, SEEK_SET);
	pdf_writer_new(fd, 150, &w);
	for (int p = 0; p < 2; p++) {
		pdf_writer_page_begin(w, 30, 20);
		for (int y = 0; y < 20; y++)
			pdf_writer_page_write(w, row, sizeof(row));
		pdf_writer_page_end(w);
	}
	is_int(pdf_writer_finish(w), 0, "two pages finish");
	size_t len = pdf_writer_bytes(w);
	pdf_writer_free(w);
	char *pdf = calloc(1, len + 1);
	pread(fd, pdf, len, 0);
	ok(strncmp(pdf, "%PDF-1.4\n", 9) == 0, "a PDF header");
	ok(has(pdf, len, "/Count 2"), "a page tree of 2 pages");
	ok(has(pdf, len, "/MediaBox [0 0 14.40 9.60]"), "30x20 px at 150 DPI = 14.4x9.6 pt");
	ok(xref_consistent(pdf, len, &count) && count == 11, "xref offsets point at 11 objects");
	ok(!has(pdf, len, "/Font") && !has(pdf, len, "/JS") && !has(pdf, len, "/Annots"),
	   "nothing but images");
	free(pdf);
	close(fd);
}

int main(void)
{
	test_ppm();
	test_pages_line();
	test_writer();
	return tap_done();
}
