/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Opening a repository: its header, the keys, the latest pointer. A new repository gets a
 * random salt and id; an existing one must prove the passphrase through the header's MAC
 * before anything else is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "macro.h"
#include "strutil.h"

/* 256 KiB chunks on average: a 1 MiB change in a volume costs about 1.5 MiB in the next
 * backup, and a 2 GiB volume makes at most ~8,000 chunk files. */
#define CHUNK_MIN (64u << 10)
#define CHUNK_AVG (256u << 10)
#define CHUNK_MAX (1024u << 10)

int backup_repo_fail(struct backup_repo *r, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return code;
}

const char *backup_repo_error(const struct backup_repo *r)
{
	return r->error;
}

uint64_t backup_repo_latest(const struct backup_repo *r)
{
	return r->latest.seq;
}

static void header_mac(const struct backup_keys *k, const struct backup_header *h,
		       uint8_t out[BACKUP_MAC_SIZE])
{
	uint8_t raw[BACKUP_HEADER_SIZE];

	backup_header_write(h, raw);
	backup_mac(k->header_mac, raw, BACKUP_HEADER_SIZE - BACKUP_MAC_SIZE, out);
}

/* A new repository only in an empty directory: never mix a backup into someone's files. */
static int check_empty(struct backup_repo *r, const char *dest)
{
	char **names = NULL;
	size_t n = 0;
	int k = r->store->ops->list(r->store, ".", &names, &n);
	bool empty = true;

	for (size_t i = 0; k >= 0 && i < n; i++)
		if (!streq(names[i], "lock"))
			empty = false;
	backup_strv_free(names, n);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot read %s: %s", dest, strerror(-k));
	return empty ? 0
		     : backup_repo_fail(r, -EEXIST,
					"%s is not empty and holds no backup repository", dest);
}

static int init_header(struct backup_repo *r, const char *dest, const char *pass, size_t pass_len,
		       const struct backup_kdf *kdf)
{
	uint8_t raw[BACKUP_HEADER_SIZE];
	struct backup_header *h = &r->header;
	int k = check_empty(r, dest);

	if (k < 0)
		return k;
	if (kdf->ops < crypto_pwhash_OPSLIMIT_MIN || kdf->ops > BACKUP_KDF_OPS_MAX ||
	    kdf->memory < BACKUP_KDF_MEMORY_MIN || kdf->memory > BACKUP_KDF_MEMORY_MAX)
		return backup_repo_fail(r, -EINVAL,
					"The Argon2id cost must be 1 to %d passes and "
					"64K to 4G of memory",
					BACKUP_KDF_OPS_MAX);
	*h = (struct backup_header){
		.kdf = *kdf, .chunk_min = CHUNK_MIN, .chunk_avg = CHUNK_AVG, .chunk_max = CHUNK_MAX
	};
	randombytes_buf(h->salt, sizeof(h->salt));
	randombytes_buf(h->repo_id, sizeof(h->repo_id));
	k = backup_keys_derive(pass, pass_len, h, &r->keys);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot derive the key (Argon2id needs %llu MiB)",
					(unsigned long long)(kdf->memory >> 20));
	header_mac(r->keys, h, h->mac);
	backup_header_write(h, raw);
	k = r->store->ops->put(r->store, "header", raw, sizeof(raw));
	return k < 0 ? backup_repo_fail(r, k, "Cannot write %s/header: %s", dest, strerror(-k)) : 0;
}

static int read_header(struct backup_repo *r, const char *dest, const char *pass, size_t pass_len,
		       const uint8_t *raw, size_t len)
{
	uint8_t mac[BACKUP_MAC_SIZE];
	int k = backup_header_parse(raw, len, &r->header);

	if (k < 0)
		return backup_repo_fail(r, k, "%s/header is damaged or of an unknown version",
					dest);
	k = backup_keys_derive(pass, pass_len, &r->header, &r->keys);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot derive the key (Argon2id needs %llu MiB)",
					(unsigned long long)(r->header.kdf.memory >> 20));
	header_mac(r->keys, &r->header, mac);
	if (sodium_memcmp(mac, r->header.mac, BACKUP_MAC_SIZE) != 0)
		return backup_repo_fail(
			r, -EACCES, "Wrong passphrase for %s (or its header was altered)", dest);
	return 0;
}

static int open_header(struct backup_repo *r, const char *dest, const char *pass, size_t pass_len,
		       const struct backup_open_options *o)
{
	_cleanup_free_ uint8_t *raw = NULL;
	size_t len;
	int k = r->store->ops->get(r->store, "header", 4096, &raw, &len);

	if (k == -ENOENT && o->create)
		return init_header(r, dest, pass, pass_len, &o->kdf);
	if (k == -ENOENT)
		return backup_repo_fail(r, k, "%s holds no backup repository", dest);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot read %s/header: %s", dest, strerror(-k));
	return read_header(r, dest, pass, pass_len, raw, len);
}

static int open_store(struct backup_repo *r, const char *dest, bool create)
{
	int k = backup_store_dir_open(dest, create, &r->store);

	if (k == -EBUSY)
		return backup_repo_fail(r, k, "Another backup run is using %s", dest);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot open %s: %s", dest, strerror(-k));
	return 0;
}

/* The header, the codec, the chunker and the latest backup of a repository whose store is
 * open. */
static int open_repo(struct backup_repo *r, const char *dest, const char *pass, size_t pass_len,
		     const struct backup_open_options *opts)
{
	int k = open_header(r, dest, pass, pass_len, opts);

	if (k >= 0)
		k = backup_codec_new(r->header.chunk_max, &r->codec);
	if (k < 0)
		return k;
	backup_chunker_init(&r->chunker, r->keys->gear, r->header.chunk_min, r->header.chunk_avg,
			    r->header.chunk_max);
	return backup_latest_load(r, opts->state_dir);
}

static struct backup_repo *repo_new(const char *dest)
{
	struct backup_repo *r = calloc(1, sizeof(*r));

	if (!r || sodium_init() < 0)
		return free(r), NULL;
	str_copy(r->dest, sizeof(r->dest), dest);
	return r;
}

int backup_repo_open(const char *dest, const char *pass, size_t pass_len,
		     const struct backup_open_options *opts, struct backup_repo **ret)
{
	struct backup_repo *r = repo_new(dest);
	int k;

	if (!r)
		return -ENOMEM;
	k = open_store(r, dest, opts->create);
	if (k >= 0)
		k = open_repo(r, dest, pass, pass_len, opts);
	*ret = r; /* also on failure: the caller reads backup_repo_error(), then frees */
	return k;
}

int backup_repo_open_store(struct backup_store *store, const char *dest, const char *pass,
			   size_t pass_len, const struct backup_open_options *opts,
			   struct backup_repo **ret)
{
	struct backup_repo *r = repo_new(dest);

	if (!r) {
		backup_store_free(store);
		return -ENOMEM;
	}
	r->store = store;
	*ret = r;
	return open_repo(r, dest, pass, pass_len, opts);
}

void backup_repo_free(struct backup_repo *r)
{
	if (!r)
		return;
	backup_store_free(r->store);
	backup_keys_free(r->keys);
	backup_codec_free(r->codec);
	sodium_memzero(&r->chunker, sizeof(r->chunker));
	free(r);
}

/* A chunk's bytes from DEST, authenticated and decompressed (not yet hashed back to its id),
 * with codec's buffers: no message, so that the reader thread can use it. -ENOENT missing,
 * -EBADMSG damaged, or the store's error. */
int backup_repo_chunk_fetch(struct backup_repo *r, struct backup_codec *codec,
			    const struct backup_chunk_ref *ref, const uint8_t **plain)
{
	_cleanup_free_ uint8_t *raw = NULL;
	char name[80];
	size_t len, plain_len;
	int k;

	backup_chunk_name(ref->id, name);
	k = r->store->ops->get(r->store, name, backup_chunk_sealed_max(r->header.chunk_max), &raw,
			       &len);
	if (k < 0)
		return k == -EFBIG ? -EBADMSG : k;
	k = backup_chunk_decrypt(codec, r->keys, r->header.chunk_max, ref->id, raw, len, plain,
				 &plain_len);
	return k >= 0 && plain_len != ref->len ? -EBADMSG : k;
}

int backup_repo_chunk_fail(struct backup_repo *r, const struct backup_chunk_ref *ref, int code)
{
	char name[80];

	backup_chunk_name(ref->id, name);
	if (code == -ENOENT)
		return backup_repo_fail(r, -EBADMSG, "Chunk %s is missing", name);
	if (code == -EBADMSG)
		return backup_repo_fail(
			r, -EBADMSG, "Chunk %s is damaged or not the chunk it claims to be", name);
	return backup_repo_fail(r, code, "Cannot read chunk %s: %s", name, strerror(-code));
}

int backup_repo_chunk(struct backup_repo *r, const struct backup_chunk_ref *ref,
		      const uint8_t **plain)
{
	int k = backup_repo_chunk_fetch(r, r->codec, ref, plain);

	if (k >= 0 && !backup_chunk_matches(r->keys, ref->id, *plain, ref->len))
		k = -EBADMSG;
	return k < 0 ? backup_repo_chunk_fail(r, ref, k) : 0;
}
