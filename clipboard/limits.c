/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>

#include "clipboard.h"
#include "strutil.h"

static int size_from_env(const char *name, size_t *value)
{
	const char *s = getenv(name);
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < 256 || v > CLIPBOARD_HARD_MAX)
		return -ERANGE;
	*value = (size_t)v;
	return 0;
}

int clipboard_limits_from_env(struct clipboard_limits *l)
{
	*l = (struct clipboard_limits){
		.text_max = CLIPBOARD_TEXT_DEFAULT_MAX,
		.image_max = CLIPBOARD_IMAGE_DEFAULT_MAX,
		.image_max_pixels = CLIPBOARD_IMAGE_DEFAULT_MAX_PIXELS,
	};
	int r = size_from_env("BULKHEAD_CLIPBOARD_TEXT_MAX", &l->text_max);
	if (r < 0)
		return r;
	return size_from_env("BULKHEAD_CLIPBOARD_IMAGE_MAX", &l->image_max);
}

const char *clipboard_type_to_mime(enum clipboard_type t)
{
	switch (t) {
	case CLIPBOARD_TEXT:
		return "text/plain;charset=utf-8";
	case CLIPBOARD_PNG:
		return "image/png";
	}
	return "unknown";
}

int clipboard_type_from_mime(const char *mime)
{
	if (streq(mime, "image/png"))
		return CLIPBOARD_PNG;
	if (streq(mime, "text/plain;charset=utf-8") || streq(mime, "text/plain") ||
	    streq(mime, "UTF8_STRING"))
		return CLIPBOARD_TEXT;
	return -EINVAL;
}

int clipboard_check(enum clipboard_type type, const uint8_t *untrusted, size_t len,
		    const struct clipboard_limits *l)
{
	switch (type) {
	case CLIPBOARD_TEXT:
		return clipboard_check_text(untrusted, len, l);
	case CLIPBOARD_PNG:
		return clipboard_check_png_decode(untrusted, len, l);
	}
	return -EINVAL;
}
