/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer's output, parsed in the trusted converter. Trust: these bytes come out of a
 * sandbox that ran poppler on a document a VM chose; a compromised renderer writes anything.
 * So the grammar is the narrowest pdftoppm produces: "P6", whitespace, width, whitespace,
 * height, whitespace, "255", one whitespace; decimal numbers without sign or leading zeros,
 * no comments, the whole header within PRINT_PPM_HEADER_MAX bytes, and sizes within the
 * limits of print.h before anything is allocated.
 */
#include <errno.h>
#include <string.h>

#include "print.h"

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A decimal of at most 9 digits at *pos; 1 ok, 0 need more, -EBADMSG. Stops at the
 * first non-digit, which must be there (a number cut off at the buffer's end is not done). */
static int parse_number(const uint8_t *s, size_t len, size_t *pos, uint32_t *ret)
{
	size_t i = *pos;
	uint32_t v = 0;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (i - *pos >= 9 || (i > *pos && v == 0))
			return -EBADMSG; /* too long, or a leading zero */
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (i == len)
		return len >= PRINT_PPM_HEADER_MAX ? -EBADMSG : 0;
	if (i == *pos)
		return -EBADMSG;
	*pos = i;
	*ret = v;
	return 1;
}

static int skip_space(const uint8_t *s, size_t len, size_t *pos)
{
	size_t i = *pos;

	while (i < len && is_space(s[i]))
		i++;
	if (i == len)
		return len >= PRINT_PPM_HEADER_MAX ? -EBADMSG : 0;
	if (i == *pos)
		return -EBADMSG;
	*pos = i;
	return 1;
}

static int check_limits(struct print_ppm *p)
{
	if (p->width == 0 || p->height == 0)
		return -EBADMSG;
	if (p->width > PRINT_PAGE_SIDE_MAX || p->height > PRINT_PAGE_SIDE_MAX ||
	    (uint64_t)p->width * p->height > PRINT_PAGE_PIXELS_MAX)
		return -E2BIG;
	p->data_len = (size_t)p->width * p->height * 3;
	return 1;
}

int print_ppm_header_parse(const uint8_t *untrusted, size_t len, struct print_ppm *ret)
{
	uint32_t v[3];
	size_t pos = 2;
	int r;

	len = len > PRINT_PPM_HEADER_MAX ? PRINT_PPM_HEADER_MAX : len;
	if (len < 2)
		return len == 0 || untrusted[0] == 'P' ? 0 : -EBADMSG;
	if (untrusted[0] != 'P' || untrusted[1] != '6')
		return -EBADMSG;
	for (int i = 0; i < 3; i++) {
		if ((r = skip_space(untrusted, len, &pos)) <= 0 ||
		    (r = parse_number(untrusted, len, &pos, &v[i])) <= 0)
			return r;
	}
	/* parse_number saw a byte after maxval: it must be the single separator. */
	if (!is_space(untrusted[pos]) || v[2] != 255)
		return -EBADMSG;
	*ret = (struct print_ppm){ .width = v[0], .height = v[1], .header_len = pos + 1 };
	return check_limits(ret);
}

int print_pages_line_parse(const uint8_t *untrusted, size_t len, uint32_t *ret_pages,
			   size_t *ret_len)
{
	static const char prefix[] = "PAGES ";
	size_t n = sizeof(prefix) - 1, pos = n;
	uint32_t pages;

	if (memcmp(untrusted, prefix, len < n ? len : n) != 0)
		return -EBADMSG;
	if (len <= n)
		return 0;
	int r = parse_number(untrusted, len, &pos, &pages);
	if (r <= 0)
		return r;
	if (untrusted[pos] != '\n' || pages == 0)
		return -EBADMSG;
	*ret_pages = pages;
	*ret_len = pos + 1;
	return 1;
}
