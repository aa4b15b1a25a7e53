/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Manifests on DEST: sealed with XChaCha20-Poly1305 (their envelope as associated data, so
 * the number and the predecessor cannot be edited), and reached only through the chain that
 * starts at the latest pointer: a manifest file is believed when its keyed hash is the one
 * its successor (or the pointer) recorded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backup-internal.h"
#include "macro.h"
#include "strutil.h"

void backup_manifest_name(uint64_t seq, char out[64])
{
	snprintf(out, 64, "manifests/%020" PRIu64, seq);
}

/* One manifest file, checked against the hash the chain expects. */
static int fetch(struct backup_repo *r, uint64_t seq, const uint8_t want[BACKUP_MAC_SIZE],
		 uint8_t **raw, size_t *len, struct backup_manifest_head *head)
{
	uint8_t hash[BACKUP_MAC_SIZE];
	char name[64];
	int k;

	backup_manifest_name(seq, name);
	k = r->store->ops->get(r->store, name, BACKUP_MANIFEST_MAX + BACKUP_MANIFEST_HEAD_SIZE, raw,
			       len);
	if (k == -ENOENT)
		return backup_repo_fail(r, -EBADMSG, "Backup #%" PRIu64 " (%s/%s) is missing", seq,
					r->dest, name);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot read %s/%s: %s", r->dest, name, strerror(-k));
	backup_mac(r->keys->pointer_mac, *raw, *len, hash);
	if (sodium_memcmp(hash, want, BACKUP_MAC_SIZE) != 0)
		return backup_repo_fail(r, -EBADMSG,
					"Backup #%" PRIu64 " (%s/%s) was altered, truncated or "
					"replaced by another",
					seq, r->dest, name);
	if (backup_manifest_head_parse(*raw, *len, head) < 0 || head->seq != seq)
		return backup_repo_fail(r, -EBADMSG, "%s/%s is damaged", r->dest, name);
	return 0;
}

static int decrypt(struct backup_repo *r, const uint8_t *raw, const struct backup_manifest_head *h,
		   struct backup_manifest **ret)
{
	size_t pt_max = h->ct_len - BACKUP_TAG_SIZE;
	_cleanup_free_ char *text = malloc(pt_max + 1);
	unsigned long long n;
	int k;

	if (!text)
		return -ENOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (uint8_t *)text, &n, NULL, raw + BACKUP_MANIFEST_HEAD_SIZE, h->ct_len, raw,
		    BACKUP_MANIFEST_HEAD_SIZE, h->nonce, r->keys->manifest_enc) != 0)
		return backup_repo_fail(r, -EBADMSG, "Backup #%" PRIu64 " does not authenticate",
					h->seq);
	k = backup_manifest_parse(text, (size_t)n, ret);
	if (k >= 0 && ((*ret)->seq != h->seq || (*ret)->prev_seq != h->prev_seq)) {
		backup_manifest_free(TAKE_PTR(*ret));
		k = -EBADMSG;
	}
	return k < 0 ? backup_repo_fail(r, k, "Backup #%" PRIu64 "'s manifest is malformed", h->seq)
		     : 0;
}

/* Walk from the latest pointer down to seq; visit(each) when given. */
static int walk(struct backup_repo *r, uint64_t seq, struct backup_manifest **ret,
		int (*visit)(struct backup_repo *r, const uint8_t *raw,
			     const struct backup_manifest_head *h))
{
	uint8_t want[BACKUP_MAC_SIZE];
	uint64_t cur = r->latest.seq;
	int k = 0;

	memcpy(want, r->latest.manifest_hash, BACKUP_MAC_SIZE);
	while (k >= 0 && cur >= seq && cur > 0) {
		_cleanup_free_ uint8_t *raw = NULL;
		struct backup_manifest_head h;
		size_t len;
		k = fetch(r, cur, want, &raw, &len, &h);
		if (k >= 0 && visit)
			k = visit(r, raw, &h);
		if (k >= 0 && cur == seq && ret)
			return decrypt(r, raw, &h, ret);
		memcpy(want, h.prev_hash, BACKUP_MAC_SIZE);
		cur = h.prev_seq;
	}
	if (k >= 0 && ret)
		k = backup_repo_fail(r, -ENOENT, "%s has no backup #%" PRIu64, r->dest, seq);
	return k;
}

int backup_manifest_load(struct backup_repo *r, uint64_t seq, struct backup_manifest **ret)
{
	int k;

	if (r->latest.seq == 0)
		return backup_repo_fail(r, -ENOENT, "%s holds no backup yet", r->dest);
	k = walk(r, seq ? seq : r->latest.seq, ret, NULL);
	if (k >= 0) /* this host has now seen the latest: remember it */
		backup_high_water_update(r);
	return k;
}

static int check_one(struct backup_repo *r, const uint8_t *raw,
		     const struct backup_manifest_head *h)
{
	struct backup_manifest *m = NULL;
	int k = decrypt(r, raw, h, &m);

	backup_manifest_free(m);
	return k;
}

int backup_chain_verify(struct backup_repo *r)
{
	if (r->latest.seq == 0)
		return 0;
	return walk(r, 1, NULL, check_one);
}

static int seal(struct backup_repo *r, const struct backup_manifest *m, uint8_t **ret,
		size_t *ret_len)
{
	_cleanup_free_ char *text = NULL;
	struct backup_manifest_head h = { .seq = m->seq, .prev_seq = m->prev_seq };
	size_t len;
	uint8_t *out;
	int k = backup_manifest_format(m, &text, &len);

	if (k < 0)
		return k;
	memcpy(h.prev_hash, r->latest.manifest_hash, BACKUP_MAC_SIZE);
	randombytes_buf(h.nonce, sizeof(h.nonce));
	h.ct_len = len + BACKUP_TAG_SIZE;
	out = malloc(BACKUP_MANIFEST_HEAD_SIZE + h.ct_len);
	if (!out)
		return -ENOMEM;
	backup_manifest_head_write(&h, out);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + BACKUP_MANIFEST_HEAD_SIZE, NULL, (uint8_t *)text, len, out,
		BACKUP_MANIFEST_HEAD_SIZE, NULL, h.nonce, r->keys->manifest_enc);
	*ret = out;
	*ret_len = BACKUP_MANIFEST_HEAD_SIZE + h.ct_len;
	return 0;
}

int backup_repo_commit(struct backup_repo *r, const struct backup_manifest *m)
{
	_cleanup_free_ uint8_t *raw = NULL;
	uint8_t hash[BACKUP_MAC_SIZE];
	char name[64];
	size_t len;
	int k = seal(r, m, &raw, &len);

	if (k < 0)
		return backup_repo_fail(r, k, "Cannot seal the manifest: %s", strerror(-k));
	backup_manifest_name(m->seq, name);
	k = r->store->ops->put(r->store, name, raw, len);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot write %s/%s: %s", r->dest, name,
					strerror(-k));
	backup_mac(r->keys->pointer_mac, raw, len, hash);
	return backup_latest_store(r, m->seq, hash);
}
