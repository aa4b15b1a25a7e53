/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening a chunk read back from DEST.
 *
 * Trust: the bytes are untrusted until the AEAD tag checks, and the plaintext is believed only
 * once its keyed hash equals the id it was asked for. In between, zstd runs on authenticated
 * data only, into a buffer of the repository's maximum chunk size, and its output length must
 * be the one the header announced.
 */
#include <errno.h>
#include <string.h>
#include <zstd.h>

#include "backup-internal.h"

static int decrypt(struct backup_codec *c, const struct backup_keys *k,
		   const uint8_t id[BACKUP_ID_SIZE], const uint8_t *untrusted, size_t len,
		   const struct backup_chunk_head *h, size_t *payload_len)
{
	uint8_t ad[BACKUP_ID_SIZE + BACKUP_CHUNK_HEAD_SIZE];
	size_t untrusted_ct_len = len - BACKUP_CHUNK_HEAD_SIZE;
	unsigned long long n;

	if (untrusted_ct_len - BACKUP_TAG_SIZE > c->payload_size)
		return -EBADMSG;
	memcpy(ad, id, BACKUP_ID_SIZE);
	memcpy(ad + BACKUP_ID_SIZE, untrusted, BACKUP_CHUNK_HEAD_SIZE);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    c->payload, &n, NULL, untrusted + BACKUP_CHUNK_HEAD_SIZE, untrusted_ct_len, ad,
		    sizeof(ad), h->nonce, k->chunk_enc) != 0)
		return -EBADMSG;
	*payload_len = (size_t)n;
	return 0;
}

static int expand(struct backup_codec *c, const struct backup_chunk_head *h, size_t payload_len,
		  const uint8_t **plain)
{
	size_t n;

	if (!(h->flags & BACKUP_CHUNK_ZSTD)) {
		*plain = c->payload;
		return payload_len == h->plain_len ? 0 : -EBADMSG;
	}
	n = ZSTD_decompressDCtx(c->dctx, c->plain, h->plain_len, c->payload, payload_len);
	if (ZSTD_isError(n) || n != h->plain_len)
		return -EBADMSG;
	*plain = c->plain;
	return 0;
}

int backup_chunk_decrypt(struct backup_codec *c, const struct backup_keys *k, uint32_t chunk_max,
			 const uint8_t id[BACKUP_ID_SIZE], const uint8_t *untrusted, size_t len,
			 const uint8_t **plain, size_t *plain_len)
{
	struct backup_chunk_head h;
	size_t payload_len;
	int r = backup_chunk_head_parse(untrusted, len, chunk_max, &h);

	if (r >= 0)
		r = decrypt(c, k, id, untrusted, len, &h, &payload_len);
	if (r >= 0)
		r = expand(c, &h, payload_len, plain);
	if (r >= 0)
		*plain_len = h.plain_len;
	return r;
}

bool backup_chunk_matches(const struct backup_keys *k, const uint8_t id[BACKUP_ID_SIZE],
			  const uint8_t *plain, size_t len)
{
	uint8_t check[BACKUP_ID_SIZE];

	backup_chunk_id(k, plain, len, check);
	return sodium_memcmp(check, id, BACKUP_ID_SIZE) == 0;
}

int backup_chunk_open(struct backup_codec *c, const struct backup_keys *k, uint32_t chunk_max,
		      const uint8_t id[BACKUP_ID_SIZE], const uint8_t *untrusted, size_t len,
		      const uint8_t **plain, size_t *plain_len)
{
	int r = backup_chunk_decrypt(c, k, chunk_max, id, untrusted, len, plain, plain_len);

	if (r >= 0 && !backup_chunk_matches(k, id, *plain, *plain_len))
		r = -EBADMSG;
	return r;
}
