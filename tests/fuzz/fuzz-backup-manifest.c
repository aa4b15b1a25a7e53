/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what `vmctl backup` parses from a backup disk (backup/untrusted-*.c). The
 * manifest's text parser gets the whole input, and what it accepts must come back unchanged
 * through the writer (format, parse again, format: the same text). The fixed-size records
 * (repository header, latest pointer, manifest envelope, chunk header) get the input too, and
 * a chunk is opened with a fixed key, as a restore would try it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct backup_manifest *m)
{
	char *text = NULL, *again = NULL;
	size_t len, len2;
	struct backup_manifest *m2 = NULL;

	if (backup_manifest_format(m, &text, &len) < 0)
		abort();
	if (backup_manifest_parse(text, len, &m2) < 0 ||
	    backup_manifest_format(m2, &again, &len2) < 0)
		abort(); /* the writer wrote what the parser refuses */
	if (len != len2 || memcmp(text, again, len) != 0)
		abort();
	free(text);
	free(again);
	backup_manifest_free(m2);
}

static void records(const uint8_t *data, size_t size)
{
	struct backup_header h;
	struct backup_latest l;
	struct backup_manifest_head mh;
	struct backup_chunk_head ch;

	(void)backup_header_parse(data, size, &h);
	(void)backup_latest_parse(data, size, &l);
	(void)backup_manifest_head_parse(data, size, &mh);
	(void)backup_chunk_head_parse(data, size, 1u << 20, &ch);
}

static void open_chunk(const uint8_t *data, size_t size)
{
	static struct backup_codec *codec;
	static struct backup_keys *keys;
	static const uint8_t id[BACKUP_ID_SIZE];
	const uint8_t *plain;
	size_t plain_len;

	if (!codec && (sodium_init() < 0 || backup_codec_new(1u << 20, &codec) < 0))
		abort();
	if (!keys && !(keys = sodium_malloc(sizeof(*keys))))
		abort();
	memset(keys, 0x42, sizeof(*keys));
	(void)backup_chunk_open(codec, keys, 1u << 20, id, data, size, &plain, &plain_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_manifest *m = NULL;

	if (backup_manifest_parse((const char *)data, size, &m) == 0) {
		roundtrip(m);
		backup_manifest_free(m);
	}
	records(data, size);
	open_chunk(data, size);
	return 0;
}
