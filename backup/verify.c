/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Verifying backups: every manifest on the chain, then every distinct chunk the chosen
 * backups use, each read once however many backups share it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"

static int add_blob(struct backup_blob *all, const struct backup_blob *b)
{
	int k = 0;

	for (size_t i = 0; k >= 0 && i < b->n_chunks; i++)
		k = backup_blob_add(all, b->chunks[i].id, b->chunks[i].len);
	return k;
}

static int add_manifest(struct backup_blob *all, const struct backup_manifest *m)
{
	int k = 0;

	for (size_t i = 0; k >= 0 && i < m->n_vms; i++) {
		k = add_blob(all, &m->vms[i].volume);
		if (k >= 0)
			k = add_blob(all, &m->vms[i].firewall);
	}
	for (size_t i = 0; k >= 0 && i < m->n_policies; i++)
		k = add_blob(all, &m->policies[i].blob);
	return k;
}

static int cmp_ref(const void *a, const void *b)
{
	return memcmp(a, b, BACKUP_ID_SIZE);
}

/* Sorted, each id once; size recomputed. */
static void unique(struct backup_blob *all)
{
	size_t n = 0;

	qsort(all->chunks, all->n_chunks, sizeof(*all->chunks), cmp_ref);
	all->size = 0;
	for (size_t i = 0; i < all->n_chunks; i++) {
		if (n && memcmp(all->chunks[n - 1].id, all->chunks[i].id, BACKUP_ID_SIZE) == 0)
			continue;
		all->chunks[n++] = all->chunks[i];
		all->size += all->chunks[i].len;
	}
	all->n_chunks = n;
}

int backup_verify_collect(struct backup_repo *r, uint64_t seq, struct backup_blob *all)
{
	uint64_t from = seq ? seq : 1, to = seq ? seq : r->latest.seq;
	int k = backup_chain_verify(r);

	*all = (struct backup_blob){ 0 };
	for (uint64_t s = from; k >= 0 && s <= to; s++) {
		struct backup_manifest *m = NULL;
		k = backup_manifest_load(r, s, &m);
		if (k >= 0)
			k = add_manifest(all, m);
		backup_manifest_free(m);
	}
	if (k >= 0)
		unique(all);
	return k;
}
