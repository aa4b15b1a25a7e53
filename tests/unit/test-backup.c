/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libbackup's pure parts: chunk boundaries, sealing, the manifest's text and the records. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "fdio.h"
#include "macro.h"
#include "tap.h"

#define MiB (1u << 20)

static uint8_t key[BACKUP_KEY_SIZE] = { 1, 2, 3 };

static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (size_t i = 0; i + 8 <= n; i += 8) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

/* The ends of every chunk of data, as offsets. */
static size_t cut_all(const struct backup_chunker *c, const uint8_t *data, size_t len, size_t *ends,
		      size_t max)
{
	size_t pos = 0, n = 0;

	while (pos < len && n < max) {
		size_t cut = backup_chunker_next(c, data + pos, len - pos, true);
		pos += cut;
		ends[n++] = pos;
	}
	return n;
}

static void test_chunker(void)
{
	struct backup_chunker c;
	size_t len = 16 * MiB, n, m, shared = 0, after = 0, min = SIZE_MAX, maxc = 0;
	uint8_t *a = malloc(len + 4096), *b = malloc(len + 4096);
	static size_t ea[4096], eb[4096];

	backup_chunker_init(&c, key, 64 << 10, 256 << 10, 1 << 20);
	fill_random(a, len, 7);
	n = cut_all(&c, a, len, ea, 4096);
	for (size_t i = 0; i < n; i++) {
		size_t sz = ea[i] - (i ? ea[i - 1] : 0);
		if (i + 1 < n)
			min = MIN(min, sz);
		maxc = MAX(maxc, sz);
	}
	ok(min >= (64 << 10) && maxc <= (1 << 20), "chunk sizes within [64 KiB, 1 MiB]");
	ok(len / n > (128 << 10) && len / n < (512 << 10), "average chunk %zu KiB, near 256",
	   len / n / 1024);
	is_int(backup_chunker_next(&c, a, 1000, false), 0, "needs more data before a full chunk");
	/* 100 bytes inserted at 8 MiB: the boundaries after it are the same, shifted. */
	memcpy(b, a, 8 * MiB);
	memset(b + 8 * MiB, 0x55, 100);
	memcpy(b + 8 * MiB + 100, a + 8 * MiB, len - 8 * MiB);
	m = cut_all(&c, b, len + 100, eb, 4096);
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++)
			shared += eb[i] > 8 * MiB + 100 && eb[i] - 100 == ea[j];
	for (size_t j = 0; j < n; j++)
		after += ea[j] > 8 * MiB;
	ok(shared + 2 >= after && after > 10,
	   "after a 100-byte insertion, all but the chunks around it keep their boundaries "
	   "(%zu of %zu)",
	   shared, after);
	free(a);
	free(b);
}

static void test_seal(struct backup_keys *k)
{
	struct backup_codec *codec;
	uint8_t id[BACKUP_ID_SIZE], *data = malloc(MiB), *copy = malloc(2 * MiB);
	const uint8_t *sealed, *plain;
	size_t sealed_len, plain_len;

	is_int(backup_codec_new(MiB, &codec), 0, "codec");
	for (int compressible = 0; compressible < 2; compressible++) {
		if (compressible)
			memset(data, 'x', MiB);
		else
			fill_random(data, MiB, 3);
		backup_chunk_id(k, data, MiB, id);
		is_int(backup_chunk_seal(codec, k, id, data, MiB, &sealed, &sealed_len), 0, "seal");
		ok(compressible ? sealed_len < 4096 : sealed_len == MiB + 56,
		   "%s: %zu bytes sealed", compressible ? "compressible" : "random", sealed_len);
		memcpy(copy, sealed, sealed_len);
		ok(backup_chunk_open(codec, k, MiB, id, copy, sealed_len, &plain, &plain_len) ==
				   0 &&
			   plain_len == MiB && memcmp(plain, data, MiB) == 0,
		   "  opens to the same bytes");
		copy[sealed_len / 2] ^= 1;
		is_int(backup_chunk_open(codec, k, MiB, id, copy, sealed_len, &plain, &plain_len),
		       -EBADMSG, "  a flipped bit is refused");
		copy[sealed_len / 2] ^= 1;
		id[0] ^= 1;
		is_int(backup_chunk_open(codec, k, MiB, id, copy, sealed_len, &plain, &plain_len),
		       -EBADMSG, "  under another chunk's name it is refused");
		is_int(backup_chunk_open(codec, k, MiB, id, copy, sealed_len - 1, &plain,
					 &plain_len),
		       -EBADMSG, "  truncated it is refused");
	}
	backup_codec_free(codec);
	free(data);
	free(copy);
}

static void test_manifest(void)
{
	const char *root = getenv("BULKHEAD_SOURCE_ROOT");
	char path[4096], *text = NULL, *out = NULL;
	struct backup_manifest *m = NULL;
	size_t len, out_len;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/backup-manifest/valid-two-vms",
		 root ? root : ".");
	if (fd_read_file(AT_FDCWD, path, 1 << 20, &text, &len) < 0)
		tap_bail_out("cannot read the corpus's valid manifest");
	is_int(backup_manifest_parse(text, len, &m), 0, "the corpus's valid manifest parses");
	if (!m)
		return;
	ok(m->seq == 2 && m->n_vms == 2 && m->n_policies == 1, "  2 VMs and a policy file");
	is_str(backup_vm_prop(&m->vms[0], "tags"), "office,mail", "  work's tags");
	ok(m->vms[0].has_firewall && m->vms[0].firewall.size == 10,
	   "  the reserved firewall blob is kept");
	ok(backup_manifest_format(m, &out, &out_len) == 0 && out_len == len &&
		   memcmp(out, text, len) == 0,
	   "  and is written back unchanged");
	backup_manifest_free(m);
	m = NULL;
	for (size_t cut = 1; cut < len; cut += 7)
		if (backup_manifest_parse(text, len - cut, &m) == 0)
			break;
	ok(m == NULL, "every truncation of it is refused");
	backup_manifest_free(m);
	free(text);
	free(out);
}

static void test_header(void)
{
	struct backup_header h = { .kdf = { 1, 1 << 20 },
				   .chunk_min = 64 << 10,
				   .chunk_avg = 256 << 10,
				   .chunk_max = 1 << 20 },
			     got;
	uint8_t raw[BACKUP_HEADER_SIZE];

	backup_header_write(&h, raw);
	is_int(backup_header_parse(raw, sizeof(raw), &got), 0, "a header parses");
	h.kdf.memory = 64ULL << 30;
	backup_header_write(&h, raw);
	is_int(backup_header_parse(raw, sizeof(raw), &got), -EBADMSG,
	       "a header asking Argon2id for 64 GiB is refused before the KDF runs");
	h.kdf.memory = 1 << 20;
	h.chunk_max = 64 << 20;
	backup_header_write(&h, raw);
	is_int(backup_header_parse(raw, sizeof(raw), &got), -EBADMSG,
	       "a header with 64 MiB chunks is refused");
}

static int count_tmp(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strncmp(de->d_name, ".tmp-", 5) == 0;
	if (d)
		closedir(d);
	return d ? n : -1;
}

static void test_store(void)
{
	char dir[] = "/tmp/bulkhead-test-store.XXXXXX", path[64];
	struct backup_store *s = NULL, *second = NULL;
	uint8_t *data = NULL;
	size_t len;

	if (!mkdtemp(dir))
		tap_bail_out("mkdtemp");
	is_int(backup_store_dir_open(dir, false, &s), 0, "a directory store opens");
	is_int(backup_store_dir_open(dir, false, &second), -EBUSY,
	       "  a second run on the same repository is refused (locked)");
	is_int(s->ops->put(s, "chunks/ab/abcd", "hello", 5), 0, "put creates the subdirectories");
	ok(s->ops->get(s, "chunks/ab/abcd", 100, &data, &len) == 0 && len == 5 &&
		   memcmp(data, "hello", 5) == 0,
	   "  and get reads it back");
	free(data);
	is_int(s->ops->get(s, "chunks/ab/abcd", 4, &data, &len), -EFBIG, "get refuses over max");
	is_int(s->ops->exists(s, "chunks/ab/abcd"), 1, "exists");
	is_int(s->ops->exists(s, "chunks/ab/none"), 0, "  and not");
	is_int(s->ops->get(s, "chunks/ab", 100, &data, &len), -EBADMSG,
	       "a directory is not an object");
	snprintf(path, sizeof(path), "%s/chunks/ab", dir);
	ok(count_tmp(path) == 0, "no temporary file is left behind");
	backup_store_free(s);
	is_int(backup_store_dir_open(dir, false, &second), 0, "once closed, it opens again");
	backup_store_free(second);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cannot remove %s", dir);
}

int main(void)
{
	struct backup_keys *k;

	if (sodium_init() < 0)
		tap_bail_out("sodium_init");
	k = sodium_malloc(sizeof(*k));
	memset(k, 7, sizeof(*k));
	test_chunker();
	test_seal(k);
	test_manifest();
	test_header();
	test_store();
	sodium_free(k);
	return tap_done();
}
