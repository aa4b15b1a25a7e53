/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: the bytes come from a VM's clipboard and claim to be a PNG. The structure check is a
 * bounded walk over the chunk list that never decompresses anything, so the host can refuse a
 * malformed or gigantic image without running a complex decoder on VM data. The decode check
 * (libpng) runs on the receiving side, before an application there ever sees the image.
 */
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "clipboard.h"
#include "macro.h"
#include "unaligned.h"

#define PNG_MAX_CHUNKS 65536u

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

struct png_walk {
	const uint8_t *p;
	size_t left;
	unsigned chunks;
	bool seen_idat;
};

static bool chunk_type_valid(const uint8_t *t)
{
	for (int i = 0; i < 4; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z')))
			return false;
	return true;
}

/* Take the next chunk off the walk: its type and data, CRC verified. */
static int next_chunk(struct png_walk *w, const uint8_t **type, const uint8_t **data, uint32_t *len)
{
	if (w->left < 12 || ++w->chunks > PNG_MAX_CHUNKS)
		return -EBADMSG;
	*len = unaligned_read_be32(w->p);
	if (*len > 0x7fffffffu || *len > w->left - 12)
		return -EBADMSG;
	*type = w->p + 4;
	*data = w->p + 8;
	uint32_t crc = (uint32_t)crc32(0, *type, *len + 4);
	if (!chunk_type_valid(*type) || crc != unaligned_read_be32(*data + *len))
		return -EBADMSG;
	w->p += 12 + (size_t)*len;
	w->left -= 12 + (size_t)*len;
	return 0;
}

/* Bit depths allowed for each colour type (PNG spec, table 11.1). */
static bool ihdr_depth_valid(uint8_t colour, uint8_t depth)
{
	switch (colour) {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2:
	case 4:
	case 6:
		return depth == 8 || depth == 16;
	}
	return false;
}

static int check_ihdr(const uint8_t *data, uint32_t len, const struct clipboard_limits *l,
		      uint32_t *width, uint32_t *height)
{
	if (len != 13)
		return -EBADMSG;
	*width = unaligned_read_be32(data);
	*height = unaligned_read_be32(data + 4);
	if (*width == 0 || *height == 0 || *width > 0x7fffffffu || *height > 0x7fffffffu)
		return -EBADMSG;
	if (!ihdr_depth_valid(data[9], data[8]) || data[10] != 0 || data[11] != 0 || data[12] > 1)
		return -EBADMSG;
	return (uint64_t)*width * *height > l->image_max_pixels ? -E2BIG : 0;
}

int clipboard_check_png_structure(const uint8_t *untrusted, size_t len,
				  const struct clipboard_limits *l, uint32_t *width,
				  uint32_t *height)
{
	struct png_walk w = { .p = untrusted + 8, .left = len - 8 };
	const uint8_t *type, *data;
	uint32_t clen;
	int r;

	if (len > l->image_max)
		return -EMSGSIZE;
	if (len < 8 || memcmp(untrusted, png_signature, 8) != 0)
		return -EBADMSG;
	r = next_chunk(&w, &type, &data, &clen);
	if (r < 0 || memcmp(type, "IHDR", 4) != 0)
		return -EBADMSG;
	r = check_ihdr(data, clen, l, width, height);
	while (r == 0) {
		r = next_chunk(&w, &type, &data, &clen);
		if (r < 0)
			return r;
		w.seen_idat |= memcmp(type, "IDAT", 4) == 0;
		if (memcmp(type, "IEND", 4) == 0)
			return w.left == 0 && clen == 0 && w.seen_idat ? 0 : -EBADMSG;
	}
	return r;
}

int clipboard_check_png_decode(const uint8_t *untrusted, size_t len,
			       const struct clipboard_limits *l)
{
	png_image image = { .version = PNG_IMAGE_VERSION };
	uint32_t width, height;
	int r = clipboard_check_png_structure(untrusted, len, l, &width, &height);

	if (r < 0)
		return r;
	if (!png_image_begin_read_from_memory(&image, untrusted, len))
		return -EBADMSG;
	image.format = PNG_FORMAT_RGBA;
	_cleanup_free_ void *pixels = malloc(PNG_IMAGE_SIZE(image));
	if (!pixels) {
		png_image_free(&image);
		return -ENOMEM;
	}
	/* A full decode: libpng checks the zlib stream and every row, not just the headers. */
	r = png_image_finish_read(&image, NULL, pixels, 0, NULL) ? 0 : -EBADMSG;
	png_image_free(&image);
	return r;
}
