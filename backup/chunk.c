/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sealing a chunk: zstd first (skipped when it saves less than 1/32, as for media or already
 * compressed data), then XChaCha20-Poly1305 with a random 192-bit nonce. The chunk's id and
 * its header are the associated data, so a chunk moved under another chunk's name fails to
 * open: the destination can drop or shuffle files, never substitute one for another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "backup-internal.h"
#include "macro.h"

/* Level 1: the fast end of zstd. A backup of a whole volume is bound by compression speed;
 * level 3 (the CLI's default) gains a few percent of space for a third of the speed. */
#define ZSTD_LEVEL 1

size_t backup_chunk_sealed_max(uint32_t chunk_max)
{
	return BACKUP_CHUNK_HEAD_SIZE + ZSTD_compressBound(chunk_max) + BACKUP_TAG_SIZE;
}

int backup_codec_new(uint32_t chunk_max, struct backup_codec **ret)
{
	struct backup_codec *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->payload_size = ZSTD_compressBound(chunk_max);
	c->sealed_size = backup_chunk_sealed_max(chunk_max);
	c->plain_size = chunk_max;
	c->cctx = ZSTD_createCCtx();
	c->dctx = ZSTD_createDCtx();
	c->payload = malloc(c->payload_size);
	c->sealed = malloc(c->sealed_size);
	c->plain = malloc(c->plain_size);
	if (!c->cctx || !c->dctx || !c->payload || !c->sealed || !c->plain) {
		backup_codec_free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void backup_codec_free(struct backup_codec *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->cctx);
	ZSTD_freeDCtx(c->dctx);
	if (c->payload) /* a VM's data, decrypted */
		sodium_memzero(c->payload, c->payload_size);
	if (c->plain)
		sodium_memzero(c->plain, c->plain_size);
	free(c->payload);
	free(c->sealed);
	free(c->plain);
	free(c);
}

/* The associated data: the id the chunk is stored under, then its header. */
static void make_ad(uint8_t ad[BACKUP_ID_SIZE + BACKUP_CHUNK_HEAD_SIZE],
		    const uint8_t id[BACKUP_ID_SIZE], const uint8_t *head)
{
	memcpy(ad, id, BACKUP_ID_SIZE);
	memcpy(ad + BACKUP_ID_SIZE, head, BACKUP_CHUNK_HEAD_SIZE);
}

static size_t compress(struct backup_codec *c, const uint8_t *data, size_t len, uint8_t *flags)
{
	size_t n = ZSTD_compressCCtx(c->cctx, c->payload, c->payload_size, data, len, ZSTD_LEVEL);

	if (!ZSTD_isError(n) && n < len - len / 32) {
		*flags = BACKUP_CHUNK_ZSTD;
		return n;
	}
	*flags = 0;
	memcpy(c->payload, data, len);
	return len;
}

int backup_chunk_seal(struct backup_codec *c, const struct backup_keys *k,
		      const uint8_t id[BACKUP_ID_SIZE], const uint8_t *data, size_t len,
		      const uint8_t **out, size_t *out_len)
{
	struct backup_chunk_head h = { .plain_len = (uint32_t)len };
	uint8_t ad[BACKUP_ID_SIZE + BACKUP_CHUNK_HEAD_SIZE];
	unsigned long long ct_len;
	size_t n;

	if (len == 0 || len > c->plain_size)
		return -EINVAL;
	n = compress(c, data, len, &h.flags);
	randombytes_buf(h.nonce, sizeof(h.nonce));
	backup_chunk_head_write(&h, c->sealed);
	make_ad(ad, id, c->sealed);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c->sealed + BACKUP_CHUNK_HEAD_SIZE, &ct_len,
						   c->payload, n, ad, sizeof(ad), NULL, h.nonce,
						   k->chunk_enc);
	*out = c->sealed;
	*out_len = BACKUP_CHUNK_HEAD_SIZE + (size_t)ct_len;
	return 0;
}
