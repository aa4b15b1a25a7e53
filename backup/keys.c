/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every key of a repository comes from the passphrase: Argon2id (crypto_pwhash) with the
 * header's salt and cost gives a master key, and crypto_kdf derives one subkey per purpose
 * from it, so that no key ever serves two purposes. Keys live in sodium_malloc'd memory
 * (guard pages, no swap) and are wiped when freed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backup-internal.h"

#define KDF_CONTEXT "bhbackup"

enum subkey_id {
	SUBKEY_HEADER_MAC = 1,
	SUBKEY_CHUNK_ID,
	SUBKEY_CHUNK_ENC,
	SUBKEY_MANIFEST_ENC,
	SUBKEY_POINTER_MAC,
	SUBKEY_GEAR,
};

static void derive_all(struct backup_keys *k, const uint8_t master[BACKUP_KEY_SIZE])
{
	crypto_kdf_derive_from_key(k->header_mac, BACKUP_KEY_SIZE, SUBKEY_HEADER_MAC, KDF_CONTEXT,
				   master);
	crypto_kdf_derive_from_key(k->chunk_id, BACKUP_KEY_SIZE, SUBKEY_CHUNK_ID, KDF_CONTEXT,
				   master);
	crypto_kdf_derive_from_key(k->chunk_enc, BACKUP_KEY_SIZE, SUBKEY_CHUNK_ENC, KDF_CONTEXT,
				   master);
	crypto_kdf_derive_from_key(k->manifest_enc, BACKUP_KEY_SIZE, SUBKEY_MANIFEST_ENC,
				   KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(k->pointer_mac, BACKUP_KEY_SIZE, SUBKEY_POINTER_MAC, KDF_CONTEXT,
				   master);
	crypto_kdf_derive_from_key(k->gear, BACKUP_KEY_SIZE, SUBKEY_GEAR, KDF_CONTEXT, master);
}

int backup_keys_derive(const char *pass, size_t pass_len, const struct backup_header *h,
		       struct backup_keys **ret)
{
	struct backup_keys *k = sodium_malloc(sizeof(*k));
	uint8_t *master = sodium_malloc(BACKUP_KEY_SIZE);
	int r = 0;

	if (!k || !master)
		r = -ENOMEM;
	else if (crypto_pwhash(master, BACKUP_KEY_SIZE, pass, pass_len, h->salt, h->kdf.ops,
			       (size_t)h->kdf.memory, crypto_pwhash_ALG_ARGON2ID13) != 0)
		r = -ENOMEM; /* Argon2id fails only when it cannot get its memory */
	else
		derive_all(k, master);
	if (master)
		sodium_free(master); /* wipes */
	if (r < 0)
		backup_keys_free(k);
	else
		*ret = k;
	return r;
}

void backup_keys_free(struct backup_keys *k)
{
	if (k)
		sodium_free(k);
}

void backup_mac(const uint8_t key[BACKUP_KEY_SIZE], const void *data, size_t len,
		uint8_t out[BACKUP_MAC_SIZE])
{
	crypto_generichash(out, BACKUP_MAC_SIZE, data, len, key, BACKUP_KEY_SIZE);
}

/* Keyed: the name of a chunk tells the destination nothing about its content, and nobody
 * without the passphrase can tell whether a chunk of known content is in the repository. */
void backup_chunk_id(const struct backup_keys *k, const void *data, size_t len,
		     uint8_t out[BACKUP_ID_SIZE])
{
	crypto_generichash(out, BACKUP_ID_SIZE, data, len, k->chunk_id, BACKUP_KEY_SIZE);
}

void backup_chunk_name(const uint8_t id[BACKUP_ID_SIZE], char out[80])
{
	char hex[BACKUP_ID_SIZE * 2 + 1];

	sodium_bin2hex(hex, sizeof(hex), id, BACKUP_ID_SIZE);
	snprintf(out, 80, "chunks/%.2s/%s", hex, hex);
}
