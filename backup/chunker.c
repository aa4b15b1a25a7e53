/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Content-defined chunking, FastCDC style: a gear hash rolls over the bytes and a boundary
 * falls where its top bits are zero, so an insertion moves the boundaries only near itself
 * and a second backup stores only the chunks around what changed. Below the average size a
 * stricter mask (more bits), above it a looser one: chunk sizes bunch around the average.
 * No boundary before min, always one at max.
 *
 * The gear table comes from a key of the passphrase: with a public table, the sizes of the
 * chunks in a repository would fingerprint known files even through the encryption.
 */
#include <string.h>

#include "backup-internal.h"

static int log2_floor(uint32_t v)
{
	int n = 0;

	while (v >>= 1)
		n++;
	return n;
}

/* The top `bits` bits of a 64-bit hash: the ones the gear hash has mixed longest. */
static uint64_t top_mask(int bits)
{
	return bits <= 0 ? 0 : ~0ULL << (64 - bits);
}

void backup_chunker_init(struct backup_chunker *c, const uint8_t key[BACKUP_KEY_SIZE], uint32_t min,
			 uint32_t avg, uint32_t max)
{
	static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];
	int bits = log2_floor(avg);

	crypto_stream_chacha20((uint8_t *)c->gear, sizeof(c->gear), nonce, key);
	c->min = min;
	c->avg = avg;
	c->max = max;
	/* FastCDC's normalisation level 2: two bits stricter, then two bits looser. */
	c->mask_small = top_mask(bits + 2);
	c->mask_large = top_mask(bits - 2);
}

static size_t scan(const struct backup_chunker *c, const uint8_t *data, size_t from, size_t to,
		   uint64_t mask, uint64_t *h)
{
	for (size_t i = from; i < to; i++) {
		*h = (*h << 1) + c->gear[data[i]];
		if (!(*h & mask))
			return i + 1;
	}
	return 0;
}

size_t backup_chunker_next(const struct backup_chunker *c, const uint8_t *data, size_t len,
			   bool eof)
{
	size_t normal = c->avg, end = len < c->max ? len : c->max, cut;
	uint64_t h = 0;

	if (len < c->max && !eof)
		return 0;
	if (len <= c->min)
		return len;
	if (normal > end)
		normal = end;
	cut = scan(c, data, c->min, normal, c->mask_small, &h);
	if (!cut)
		cut = scan(c, data, normal, end, c->mask_large, &h);
	return cut ? cut : end;
}
