/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A backup's manifest in memory and in its text form (docs/backup-format.md): which VMs,
 * their properties, and each file as a list of chunks. The text is what gets sealed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "macro.h"
#include "strutil.h"

int backup_blob_add(struct backup_blob *b, const uint8_t id[BACKUP_ID_SIZE], uint32_t len)
{
	if (b->n_chunks == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct backup_chunk_ref *c = reallocarray(b->chunks, cap, sizeof(*c));
		if (!c)
			return -ENOMEM;
		b->chunks = c;
		b->cap = cap;
	}
	memcpy(b->chunks[b->n_chunks].id, id, BACKUP_ID_SIZE);
	b->chunks[b->n_chunks++].len = len;
	b->size += len;
	return 0;
}

void backup_blob_finish(struct backup_blob *b)
{
	free(b->chunks);
	*b = (struct backup_blob){ 0 };
}

void backup_manifest_free(struct backup_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_vms; i++) {
		backup_blob_finish(&m->vms[i].volume);
		backup_blob_finish(&m->vms[i].firewall);
	}
	for (size_t i = 0; i < m->n_policies; i++)
		backup_blob_finish(&m->policies[i].blob);
	free(m->vms);
	free(m->policies);
	free(m);
}

const char *backup_vm_prop(const struct backup_vm *vm, const char *key)
{
	for (size_t i = 0; i < vm->n_props; i++)
		if (streq(vm->props[i].key, key))
			return vm->props[i].value;
	return NULL;
}

bool backup_manifest_has_vm(const struct backup_manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n_vms; i++)
		if (streq(m->vms[i].name, name))
			return true;
	return false;
}

static void format_chunks(FILE *f, const struct backup_blob *b)
{
	char hex[BACKUP_ID_SIZE * 2 + 1];

	for (size_t i = 0; i < b->n_chunks; i++) {
		sodium_bin2hex(hex, sizeof(hex), b->chunks[i].id, BACKUP_ID_SIZE);
		fprintf(f, "chunk %s %" PRIu32 "\n", hex, b->chunks[i].len);
	}
}

static void format_vm(FILE *f, const struct backup_vm *vm)
{
	const struct backup_file_id *id = &vm->volume_id;

	fprintf(f, "vm %s\n", vm->name);
	for (size_t i = 0; i < vm->n_props; i++)
		fprintf(f, "prop %s %s\n", vm->props[i].key, vm->props[i].value);
	fprintf(f, "volume %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		vm->volume.size, id->dev, id->ino, id->mtime_ns, id->ctime_ns);
	format_chunks(f, &vm->volume);
	if (vm->has_firewall) {
		fprintf(f, "firewall %" PRIu64 "\n", vm->firewall.size);
		format_chunks(f, &vm->firewall);
	}
}

int backup_manifest_format(const struct backup_manifest *m, char **ret, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f,
		"bulkhead-backup-manifest 1\nseq %" PRIu64 "\nprev %" PRIu64 "\ntime %" PRId64 "\n",
		m->seq, m->prev_seq, m->time);
	for (size_t i = 0; i < m->n_vms; i++)
		format_vm(f, &m->vms[i]);
	for (size_t i = 0; i < m->n_policies; i++) {
		fprintf(f, "policy %s %" PRIu64 "\n", m->policies[i].name,
			m->policies[i].blob.size);
		format_chunks(f, &m->policies[i].blob);
	}
	fputs("end\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}
