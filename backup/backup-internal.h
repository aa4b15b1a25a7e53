/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbackup's private interfaces, one section per file:
 *   keys.c               Argon2id, the subkeys, chunk ids
 *   chunker.c            content-defined chunk boundaries (FastCDC with a keyed gear table)
 *   chunk.c              seal a chunk: zstd, then XChaCha20-Poly1305 bound to its id
 *   untrusted-chunk.c    open a sealed chunk read back from DEST
 *   untrusted-header.c   the repository header, the latest pointer, the manifest envelope
 *   untrusted-manifest.c the manifest's text, once decrypted
 *   manifest.c           writing a manifest; blobs
 *   repo.c               open/create, the replay high-water mark, loading manifests
 *   create.c restore.c   a new backup; reading one back
 * docs/backup-format.md describes every byte.
 */
#pragma once

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backup.h"
#include "store.h"

#define BACKUP_KEY_SIZE 32
#define BACKUP_SALT_SIZE 16
#define BACKUP_REPO_ID_SIZE 16
#define BACKUP_MAC_SIZE 32
#define BACKUP_NONCE_SIZE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define BACKUP_TAG_SIZE crypto_aead_xchacha20poly1305_ietf_ABYTES

/* Bounds on what a header may ask for, checked before the KDF runs. */
#define BACKUP_KDF_OPS_MAX 64
#define BACKUP_KDF_MEMORY_MIN (64ULL << 10)
#define BACKUP_KDF_MEMORY_MAX (4ULL << 30)
#define BACKUP_CHUNK_MIN_FLOOR (4u << 10)
#define BACKUP_CHUNK_MAX_CEIL (8u << 20)
#define BACKUP_MANIFEST_MAX (64u << 20)

/* ---- untrusted-header.c: fixed-size records ---- */
#define BACKUP_HEADER_SIZE 112
#define BACKUP_LATEST_SIZE 80
#define BACKUP_MANIFEST_HEAD_SIZE 96
#define BACKUP_CHUNK_HEAD_SIZE 40

struct backup_header {
	struct backup_kdf kdf;
	uint8_t salt[BACKUP_SALT_SIZE];
	uint8_t repo_id[BACKUP_REPO_ID_SIZE];
	uint32_t chunk_min, chunk_avg, chunk_max;
	uint8_t mac[BACKUP_MAC_SIZE];
};
/* Bytes -> fields, every bound checked; the MAC is checked later, once the key exists. */
int backup_header_parse(const uint8_t *untrusted, size_t len, struct backup_header *ret);
void backup_header_write(const struct backup_header *h, uint8_t out[BACKUP_HEADER_SIZE]);

struct backup_latest {
	uint64_t seq;
	uint8_t manifest_hash[BACKUP_MAC_SIZE];
	uint8_t mac[BACKUP_MAC_SIZE];
};
int backup_latest_parse(const uint8_t *untrusted, size_t len, struct backup_latest *ret);
void backup_latest_write(const struct backup_latest *l, uint8_t out[BACKUP_LATEST_SIZE]);

struct backup_manifest_head {
	uint64_t seq, prev_seq;
	uint8_t prev_hash[BACKUP_MAC_SIZE];
	uint8_t nonce[BACKUP_NONCE_SIZE];
	uint64_t ct_len;
};
/* The envelope of a manifest file: its ciphertext follows at BACKUP_MANIFEST_HEAD_SIZE. */
int backup_manifest_head_parse(const uint8_t *untrusted, size_t len,
			       struct backup_manifest_head *ret);
void backup_manifest_head_write(const struct backup_manifest_head *h,
				uint8_t out[BACKUP_MANIFEST_HEAD_SIZE]);

struct backup_chunk_head {
	uint8_t flags; /* BACKUP_CHUNK_ZSTD */
	uint32_t plain_len;
	uint8_t nonce[BACKUP_NONCE_SIZE];
};
#define BACKUP_CHUNK_ZSTD 0x01
int backup_chunk_head_parse(const uint8_t *untrusted, size_t len, uint32_t chunk_max,
			    struct backup_chunk_head *ret);
void backup_chunk_head_write(const struct backup_chunk_head *h,
			     uint8_t out[BACKUP_CHUNK_HEAD_SIZE]);

/* ---- keys.c ---- */
struct backup_keys { /* in sodium_malloc'd memory */
	uint8_t header_mac[BACKUP_KEY_SIZE];
	uint8_t chunk_id[BACKUP_KEY_SIZE];
	uint8_t chunk_enc[BACKUP_KEY_SIZE];
	uint8_t manifest_enc[BACKUP_KEY_SIZE];
	uint8_t pointer_mac[BACKUP_KEY_SIZE];
	uint8_t gear[BACKUP_KEY_SIZE];
};
int backup_keys_derive(const char *pass, size_t pass_len, const struct backup_header *h,
		       struct backup_keys **ret);
void backup_keys_free(struct backup_keys *k);
void backup_mac(const uint8_t key[BACKUP_KEY_SIZE], const void *data, size_t len,
		uint8_t out[BACKUP_MAC_SIZE]);
void backup_chunk_id(const struct backup_keys *k, const void *data, size_t len,
		     uint8_t out[BACKUP_ID_SIZE]);
/* "chunks/ab/ab12..." */
void backup_chunk_name(const uint8_t id[BACKUP_ID_SIZE], char out[80]);

/* ---- chunker.c ---- */
struct backup_chunker {
	uint64_t gear[256];
	uint32_t min, avg, max;
	uint64_t mask_small, mask_large;
};
void backup_chunker_init(struct backup_chunker *c, const uint8_t key[BACKUP_KEY_SIZE], uint32_t min,
			 uint32_t avg, uint32_t max);
/* Length of the next chunk at data, or 0 when more data is needed (len < max, !eof). */
size_t backup_chunker_next(const struct backup_chunker *c, const uint8_t *data, size_t len,
			   bool eof);

/* ---- chunk.c, untrusted-chunk.c ---- */
/* zstd contexts and buffers, reused across chunks. */
struct backup_codec {
	struct ZSTD_CCtx_s *cctx;
	struct ZSTD_DCtx_s *dctx;
	uint8_t *payload; /* compressed (or raw) bytes */
	uint8_t *sealed;
	uint8_t *plain;
	size_t payload_size, sealed_size, plain_size;
};
int backup_codec_new(uint32_t chunk_max, struct backup_codec **ret);
void backup_codec_free(struct backup_codec *c);
/* Sealed bytes of one chunk in the codec's buffer (*out valid until the next call). */
int backup_chunk_seal(struct backup_codec *c, const struct backup_keys *k,
		      const uint8_t id[BACKUP_ID_SIZE], const uint8_t *data, size_t len,
		      const uint8_t **out, size_t *out_len);
/* Open a sealed chunk read from DEST that should be id: authenticated, decompressed, its
 * content hashed back to id. Plaintext in the codec's buffer. -EBADMSG if anything is off. */
int backup_chunk_open(struct backup_codec *c, const struct backup_keys *k, uint32_t chunk_max,
		      const uint8_t id[BACKUP_ID_SIZE], const uint8_t *untrusted, size_t len,
		      const uint8_t **plain, size_t *plain_len);
size_t backup_chunk_sealed_max(uint32_t chunk_max);
/* backup_chunk_open in two steps, for two threads: authenticated and decompressed (plaintext
 * in the codec), then its keyed hash compared with id in constant time. */
int backup_chunk_decrypt(struct backup_codec *c, const struct backup_keys *k, uint32_t chunk_max,
			 const uint8_t id[BACKUP_ID_SIZE], const uint8_t *untrusted, size_t len,
			 const uint8_t **plain, size_t *plain_len);
bool backup_chunk_matches(const struct backup_keys *k, const uint8_t id[BACKUP_ID_SIZE],
			  const uint8_t *plain, size_t len);

/* ---- writer.c: sealing and storing new chunks on a thread of their own ---- */
struct backup_writer;
int backup_writer_start(struct backup_repo *r, struct backup_writer **ret);
/* Queue one chunk (copied); the writer's first error once it has failed. */
int backup_writer_put(struct backup_writer *w, const uint8_t id[BACKUP_ID_SIZE],
		      const uint8_t *data, size_t len);
/* Drain, join, add to stats; the first error, its message in the repository's error. */
int backup_writer_finish(struct backup_writer *w, struct backup_stats *stats);

/* ---- manifest.c, untrusted-manifest.c ---- */
int backup_blob_add(struct backup_blob *b, const uint8_t id[BACKUP_ID_SIZE], uint32_t len);
/* The manifest's text form (docs/backup-format.md), malloc'd. */
int backup_manifest_format(const struct backup_manifest *m, char **ret, size_t *ret_len);
/* Text -> manifest, bounded; the text is authenticated but parsed as if it were not. */
int backup_manifest_parse(const char *untrusted, size_t len, struct backup_manifest **ret);

bool backup_vm_name_is_valid(const char *s);
bool backup_file_name_is_valid(const char *s);
bool backup_prop_is_valid(const char *key, const char *value);

/* ---- repo.c ---- */
struct backup_repo {
	struct backup_store *store;
	struct backup_header header;
	struct backup_keys *keys;
	struct backup_chunker chunker;
	struct backup_codec *codec;
	struct backup_latest latest; /* seq 0: no backup yet */
	char state_file[4096];	     /* the high-water mark, "" when not kept */
	char dest[2048];	     /* for messages */
	char error[512];
};
/* latest.c: the latest pointer and the replay high-water mark */
int backup_latest_load(struct backup_repo *r, const char *state_dir);
int backup_high_water_update(struct backup_repo *r);
int backup_latest_store(struct backup_repo *r, uint64_t seq, const uint8_t hash[BACKUP_MAC_SIZE]);
int backup_repo_fail(struct backup_repo *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void backup_manifest_name(uint64_t seq, char out[64]);
/* Seal and store manifest m (m->seq, m->prev_seq set) and point latest at it. */
int backup_repo_commit(struct backup_repo *r, const struct backup_manifest *m);
/* Read, check and open one chunk. */
int backup_repo_chunk(struct backup_repo *r, const struct backup_chunk_ref *ref,
		      const uint8_t **plain);
/* The same without the hash check and without a message; the message for its error. */
int backup_repo_chunk_fetch(struct backup_repo *r, struct backup_codec *codec,
			    const struct backup_chunk_ref *ref, const uint8_t **plain);
int backup_repo_chunk_fail(struct backup_repo *r, const struct backup_chunk_ref *ref, int code);

/* ---- reader.c: chunks fetched and decrypted ahead, on a thread of their own ---- */
struct backup_reader;
int backup_reader_start(struct backup_repo *r, const struct backup_blob *b,
			struct backup_reader **ret);
/* The next chunk's plaintext (malloc'd, ref->len bytes; the caller checks its id and frees
 * it), or the thread's -errno for it. */
int backup_reader_next(struct backup_reader *rd, uint8_t **plain);
/* Stop (also half way), join, free. */
void backup_reader_free(struct backup_reader *rd);
