/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fixed-size records of a repository: its header, the latest pointer, a manifest's
 * envelope and a chunk's header.
 *
 * Trust: everything read from DEST is untrusted. Whoever holds the disk may have changed any
 * byte, so each field is bounded here before it is used, and nothing is believed until a MAC
 * or an AEAD tag made with a key of the passphrase says so. The header's KDF cost is bounded
 * before Argon2id runs on it, so a forged header cannot make the KDF eat the machine.
 */
#include <errno.h>
#include <string.h>

#include "backup-internal.h"
#include "unaligned.h"

static const char header_magic[8] = "BHBKREPO";
static const char latest_magic[8] = "BHBKLAST";
static const char manifest_magic[8] = "BHBKMANI";
static const char chunk_magic[8] = "BHBKCHNK";
#define FORMAT_VERSION 1
#define KDF_ARGON2ID13 1

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static int check_chunk_sizes(uint32_t min, uint32_t avg, uint32_t max)
{
	if (min < BACKUP_CHUNK_MIN_FLOOR || max > BACKUP_CHUNK_MAX_CEIL)
		return -EBADMSG;
	if (!(min < avg && avg < max) || (avg & (avg - 1)))
		return -EBADMSG;
	return 0;
}

int backup_header_parse(const uint8_t *untrusted, size_t len, struct backup_header *ret)
{
	uint64_t untrusted_ops, untrusted_mem;

	if (len != BACKUP_HEADER_SIZE || memcmp(untrusted, header_magic, 8) != 0)
		return -EBADMSG;
	if (unaligned_read_le32(untrusted + 8) != FORMAT_VERSION ||
	    unaligned_read_le32(untrusted + 12) != KDF_ARGON2ID13)
		return -EPROTONOSUPPORT;
	untrusted_ops = unaligned_read_le64(untrusted + 16);
	untrusted_mem = unaligned_read_le64(untrusted + 24);
	if (untrusted_ops < crypto_pwhash_OPSLIMIT_MIN || untrusted_ops > BACKUP_KDF_OPS_MAX ||
	    untrusted_mem < BACKUP_KDF_MEMORY_MIN || untrusted_mem > BACKUP_KDF_MEMORY_MAX)
		return -EBADMSG;
	ret->kdf.ops = untrusted_ops;
	ret->kdf.memory = untrusted_mem;
	memcpy(ret->salt, untrusted + 32, BACKUP_SALT_SIZE);
	memcpy(ret->repo_id, untrusted + 48, BACKUP_REPO_ID_SIZE);
	ret->chunk_min = unaligned_read_le32(untrusted + 64);
	ret->chunk_avg = unaligned_read_le32(untrusted + 68);
	ret->chunk_max = unaligned_read_le32(untrusted + 72);
	memcpy(ret->mac, untrusted + 80, BACKUP_MAC_SIZE);
	return check_chunk_sizes(ret->chunk_min, ret->chunk_avg, ret->chunk_max);
}

void backup_header_write(const struct backup_header *h, uint8_t out[BACKUP_HEADER_SIZE])
{
	memset(out, 0, BACKUP_HEADER_SIZE);
	memcpy(out, header_magic, 8);
	put_le32(out + 8, FORMAT_VERSION);
	put_le32(out + 12, KDF_ARGON2ID13);
	put_le64(out + 16, h->kdf.ops);
	put_le64(out + 24, h->kdf.memory);
	memcpy(out + 32, h->salt, BACKUP_SALT_SIZE);
	memcpy(out + 48, h->repo_id, BACKUP_REPO_ID_SIZE);
	put_le32(out + 64, h->chunk_min);
	put_le32(out + 68, h->chunk_avg);
	put_le32(out + 72, h->chunk_max);
	memcpy(out + 80, h->mac, BACKUP_MAC_SIZE);
}

int backup_latest_parse(const uint8_t *untrusted, size_t len, struct backup_latest *ret)
{
	if (len != BACKUP_LATEST_SIZE || memcmp(untrusted, latest_magic, 8) != 0)
		return -EBADMSG;
	ret->seq = unaligned_read_le64(untrusted + 8);
	memcpy(ret->manifest_hash, untrusted + 16, BACKUP_MAC_SIZE);
	memcpy(ret->mac, untrusted + 48, BACKUP_MAC_SIZE);
	return ret->seq > 0 ? 0 : -EBADMSG;
}

void backup_latest_write(const struct backup_latest *l, uint8_t out[BACKUP_LATEST_SIZE])
{
	memcpy(out, latest_magic, 8);
	put_le64(out + 8, l->seq);
	memcpy(out + 16, l->manifest_hash, BACKUP_MAC_SIZE);
	memcpy(out + 48, l->mac, BACKUP_MAC_SIZE);
}

int backup_manifest_head_parse(const uint8_t *untrusted, size_t len,
			       struct backup_manifest_head *ret)
{
	uint64_t untrusted_ct_len;

	if (len < BACKUP_MANIFEST_HEAD_SIZE || memcmp(untrusted, manifest_magic, 8) != 0)
		return -EBADMSG;
	if (unaligned_read_le32(untrusted + 8) != FORMAT_VERSION)
		return -EPROTONOSUPPORT;
	ret->seq = unaligned_read_le64(untrusted + 16);
	ret->prev_seq = unaligned_read_le64(untrusted + 24);
	memcpy(ret->prev_hash, untrusted + 32, BACKUP_MAC_SIZE);
	memcpy(ret->nonce, untrusted + 64, BACKUP_NONCE_SIZE);
	untrusted_ct_len = unaligned_read_le64(untrusted + 88);
	/* The ciphertext is exactly the rest of the file: a truncated manifest stops here. */
	if (untrusted_ct_len != len - BACKUP_MANIFEST_HEAD_SIZE ||
	    untrusted_ct_len < BACKUP_TAG_SIZE || untrusted_ct_len > BACKUP_MANIFEST_MAX)
		return -EBADMSG;
	if (ret->seq == 0 || ret->prev_seq >= ret->seq)
		return -EBADMSG;
	ret->ct_len = untrusted_ct_len;
	return 0;
}

void backup_manifest_head_write(const struct backup_manifest_head *h,
				uint8_t out[BACKUP_MANIFEST_HEAD_SIZE])
{
	memset(out, 0, BACKUP_MANIFEST_HEAD_SIZE);
	memcpy(out, manifest_magic, 8);
	put_le32(out + 8, FORMAT_VERSION);
	put_le64(out + 16, h->seq);
	put_le64(out + 24, h->prev_seq);
	memcpy(out + 32, h->prev_hash, BACKUP_MAC_SIZE);
	memcpy(out + 64, h->nonce, BACKUP_NONCE_SIZE);
	put_le64(out + 88, h->ct_len);
}

int backup_chunk_head_parse(const uint8_t *untrusted, size_t len, uint32_t chunk_max,
			    struct backup_chunk_head *ret)
{
	uint32_t untrusted_plain_len;
	uint8_t untrusted_flags;

	if (len < BACKUP_CHUNK_HEAD_SIZE + BACKUP_TAG_SIZE ||
	    memcmp(untrusted, chunk_magic, 8) != 0)
		return -EBADMSG;
	untrusted_flags = untrusted[8];
	untrusted_plain_len = unaligned_read_le32(untrusted + 12);
	if (untrusted[9] != 0 || untrusted[10] != 0 || untrusted[11] != 0 ||
	    (untrusted_flags & ~BACKUP_CHUNK_ZSTD))
		return -EBADMSG;
	if (untrusted_plain_len == 0 || untrusted_plain_len > chunk_max)
		return -EBADMSG;
	/* Stored raw, the ciphertext is exactly the plaintext plus the tag. */
	if (!(untrusted_flags & BACKUP_CHUNK_ZSTD) &&
	    len != BACKUP_CHUNK_HEAD_SIZE + untrusted_plain_len + BACKUP_TAG_SIZE)
		return -EBADMSG;
	ret->flags = untrusted_flags;
	ret->plain_len = untrusted_plain_len;
	memcpy(ret->nonce, untrusted + 16, BACKUP_NONCE_SIZE);
	return 0;
}

void backup_chunk_head_write(const struct backup_chunk_head *h, uint8_t out[BACKUP_CHUNK_HEAD_SIZE])
{
	memset(out, 0, BACKUP_CHUNK_HEAD_SIZE);
	memcpy(out, chunk_magic, 8);
	out[8] = h->flags;
	put_le32(out + 12, h->plain_len);
	memcpy(out + 16, h->nonce, BACKUP_NONCE_SIZE);
}
