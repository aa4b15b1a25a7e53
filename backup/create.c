/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A new backup: each volume read once, cut into content-defined chunks, and only the chunks
 * the repository lacks are sealed and written. Chunks go first, the manifest after them, the
 * latest pointer last: a run that dies half way (a full disk) leaves only unreferenced
 * chunks, and every earlier backup as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup-internal.h"
#include "fdio.h"
#include "macro.h"
#include "strutil.h"

#define READ_BUFFER (16u << 20)
#define PENDING_RING 64

struct creator {
	struct backup_repo *r;
	const struct backup_progress *p;
	struct backup_stats *stats;
	const struct backup_manifest *prev; /* the latest backup, or NULL */
	uint8_t *buf;
	struct backup_writer *writer;
	uint8_t pending[PENDING_RING][BACKUP_ID_SIZE];
	size_t pending_next;
	bool writer_failed;
};

static void progress(const struct creator *c, uint64_t bytes)
{
	if (c->p && c->p->step)
		c->p->step(c->p->userdata, bytes);
}

/* A chunk queued but maybe not written yet: exists() cannot see it, this ring can (runs of
 * equal chunks, such as zeros, are common in volumes). */
static bool pending(struct creator *c, const uint8_t id[BACKUP_ID_SIZE])
{
	for (size_t i = 0; i < PENDING_RING; i++)
		if (memcmp(c->pending[i], id, BACKUP_ID_SIZE) == 0)
			return true;
	memcpy(c->pending[c->pending_next++ % PENDING_RING], id, BACKUP_ID_SIZE);
	return false;
}

static int store_chunk(struct creator *c, const uint8_t *data, size_t len, struct backup_blob *b)
{
	struct backup_repo *r = c->r;
	uint8_t id[BACKUP_ID_SIZE];
	char name[80];
	int k;

	backup_chunk_id(r->keys, data, len, id);
	backup_chunk_name(id, name);
	k = r->store->ops->exists(r->store, name);
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot check %s/%s: %s", r->dest, name,
					strerror(-k));
	if (k == 0 && !pending(c, id) && (k = backup_writer_put(c->writer, id, data, len)) < 0) {
		c->writer_failed = true; /* its message comes with backup_writer_finish() */
		return k;
	}
	c->stats->chunks++;
	return backup_blob_add(b, id, (uint32_t)len);
}

/* Keep at least one maximal chunk in the buffer until the end of the file. */
static ssize_t refill(struct creator *c, int fd, size_t *pos, size_t *end)
{
	ssize_t n;

	memmove(c->buf, c->buf + *pos, *end - *pos);
	*end -= *pos;
	*pos = 0;
	n = fd_read_full(fd, c->buf + *end, READ_BUFFER - *end);
	if (n > 0)
		*end += (size_t)n;
	return n;
}

static int chunk_fd(struct creator *c, int fd, struct backup_blob *b, bool count)
{
	size_t pos = 0, end = 0, cut;
	bool eof = false;
	int k = 0;

	while (k >= 0) {
		if (!eof && end - pos < c->r->header.chunk_max) {
			ssize_t n = refill(c, fd, &pos, &end);
			if (n < 0)
				return (int)n;
			eof = end < READ_BUFFER;
		}
		if (eof && pos == end)
			break;
		cut = backup_chunker_next(&c->r->chunker, c->buf + pos, end - pos, eof);
		k = store_chunk(c, c->buf + pos, cut, b);
		if (count) {
			c->stats->bytes_read += cut;
			progress(c, cut);
		}
		pos += cut;
	}
	return k;
}

static void file_id(const struct stat *st, struct backup_file_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	id->ctime_ns = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
}

static bool same_file(const struct backup_vm *a, const struct backup_file_id *id, uint64_t size)
{
	return a->volume.size == size && a->volume_id.dev == id->dev &&
	       a->volume_id.ino == id->ino && a->volume_id.mtime_ns == id->mtime_ns &&
	       a->volume_id.ctime_ns == id->ctime_ns;
}

/* The volume did not change since the last backup and all its chunks are still there. */
static int reuse(struct creator *c, const struct backup_vm *vm, struct backup_vm *out)
{
	struct backup_repo *r = c->r;
	char name[80];
	int k = 0;

	for (size_t i = 0; k >= 0 && i < vm->volume.n_chunks; i++) {
		backup_chunk_name(vm->volume.chunks[i].id, name);
		k = r->store->ops->exists(r->store, name);
		if (k == 0)
			return 0; /* gone: read the volume again */
	}
	for (size_t i = 0; k >= 0 && i < vm->volume.n_chunks; i++)
		k = backup_blob_add(&out->volume, vm->volume.chunks[i].id,
				    vm->volume.chunks[i].len);
	if (k < 0)
		return k;
	c->stats->chunks += vm->volume.n_chunks;
	c->stats->volumes_unchanged++;
	progress(c, vm->volume.size);
	return 1;
}

static const struct backup_vm *previous(const struct creator *c, const char *name)
{
	for (size_t i = 0; c->prev && i < c->prev->n_vms; i++)
		if (streq(c->prev->vms[i].name, name))
			return &c->prev->vms[i];
	return NULL;
}

/* Read with the file's identity taken before and after: a VM started in between shows. */
static int read_volume(struct creator *c, const char *path, struct backup_vm *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	const struct backup_vm *prev = previous(c, out->name);
	struct backup_file_id after;
	struct stat st;
	int k;

	if (fd < 0 || fstat(fd, &st) < 0)
		return backup_repo_fail(c->r, negative_errno(), "Cannot read %s: %m", path);
	file_id(&st, &out->volume_id);
	k = prev && same_file(prev, &out->volume_id, (uint64_t)st.st_size) ? reuse(c, prev, out)
									   : 0;
	if (k != 0)
		return k;
	k = chunk_fd(c, fd, &out->volume, true);
	if (k < 0)
		return c->r->error[0] || c->writer_failed
			       ? k
			       : backup_repo_fail(c->r, k, "Cannot read %s: %s", path,
						  strerror(-k));
	if (fstat(fd, &st) < 0)
		return negative_errno();
	file_id(&st, &after);
	if (!same_file(out, &after, (uint64_t)st.st_size))
		return backup_repo_fail(c->r, -EBUSY,
					"The volume of VM '%s' changed while it was read (was the "
					"VM started?)",
					out->name);
	return 0;
}

/* The rules are text in memory; the chunker reads fds: a memfd joins the two. */
static int add_firewall(struct creator *c, const char *rules, struct backup_vm *vm)
{
	_cleanup_close_ int fd = memfd_create("firewall", MFD_CLOEXEC);
	size_t len = strlen(rules);

	if (len > BACKUP_POLICY_FILE_MAX)
		return backup_repo_fail(c->r, -E2BIG, "VM '%s': firewall rules too long", vm->name);
	if (fd < 0 || fd_write_all(fd, rules, len) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return backup_repo_fail(c->r, negative_errno(), "VM '%s': firewall rules: %m",
					vm->name);
	vm->has_firewall = true;
	return chunk_fd(c, fd, &vm->firewall, false);
}

static int add_vm(struct creator *c, const struct backup_source *s, struct backup_vm *vm)
{
	if (!backup_vm_name_is_valid(s->name) || s->n_props > BACKUP_PROPS_MAX)
		return backup_repo_fail(c->r, -EINVAL, "'%s' is not a valid VM name", s->name);
	str_copy(vm->name, sizeof(vm->name), s->name);
	for (size_t i = 0; i < s->n_props; i++) {
		if (!backup_prop_is_valid(s->props[i].key, s->props[i].value))
			return backup_repo_fail(c->r, -EINVAL,
						"VM '%s': property %s cannot be "
						"backed up",
						s->name, s->props[i].key);
		vm->props[vm->n_props++] = s->props[i];
	}
	if (s->firewall) {
		int k = add_firewall(c, s->firewall, vm);
		if (k < 0)
			return k;
	}
	return read_volume(c, s->volume_path, vm);
}

static int add_policy_file(struct creator *c, int dirfd, const char *name,
			   struct backup_manifest *m)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct backup_policy_file *pol;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return backup_repo_fail(c->r, negative_errno(), "Cannot read policy file %s: %m",
					name);
	/* Editor leftovers ("x.policy~"), directories, huge files: nothing the policy daemon
	 * would load either. */
	if (!S_ISREG(st.st_mode) || st.st_size > BACKUP_POLICY_FILE_MAX ||
	    !backup_file_name_is_valid(name))
		return 0;
	if (m->n_policies >= BACKUP_POLICIES_MAX)
		return backup_repo_fail(c->r, -E2BIG, "More than %d policy files",
					BACKUP_POLICIES_MAX);
	pol = &m->policies[m->n_policies++];
	str_copy(pol->name, sizeof(pol->name), name);
	return chunk_fd(c, fd, &pol->blob, false);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_policy(struct creator *c, const char *dir, struct backup_manifest *m)
{
	_cleanup_close_ int dirfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	char **names = NULL;
	size_t n = 0;
	int k = 0;

	if (dirfd < 0)
		return dir && errno != ENOENT
			       ? backup_repo_fail(c->r, negative_errno(), "Cannot read %s: %m", dir)
			       : 0;
	k = backup_dir_list(dirfd, &names, &n);
	m->policies = calloc(MIN(n, BACKUP_POLICIES_MAX) + 1, sizeof(*m->policies));
	if (k >= 0 && !m->policies)
		k = -ENOMEM;
	if (k >= 0)
		qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; k >= 0 && i < n; i++)
		k = add_policy_file(c, dirfd, names[i], m);
	backup_strv_free(names, n);
	return k;
}

static int build(struct creator *c, const struct backup_source *src, size_t n,
		 const char *policy_dir, struct backup_manifest *m)
{
	int k = 0;

	m->seq = c->r->latest.seq + 1;
	m->prev_seq = c->r->latest.seq;
	m->time = (int64_t)time(NULL);
	m->vms = calloc(n + 1, sizeof(*m->vms));
	if (!m->vms || n > BACKUP_VMS_MAX)
		return backup_repo_fail(c->r, -EINVAL, "Too many VMs for one backup");
	for (size_t i = 0; k >= 0 && i < n; i++) {
		k = add_vm(c, &src[i], &m->vms[i]);
		m->n_vms = i + 1;
	}
	if (k >= 0)
		k = add_policy(c, policy_dir, m);
	return k;
}

int backup_create(struct backup_repo *r, const struct backup_source *src, size_t n,
		  const char *policy_dir, bool reread, const struct backup_progress *p,
		  struct backup_stats *stats)
{
	_cleanup_free_ uint8_t *buf = malloc(READ_BUFFER);
	struct backup_manifest *prev = NULL, *m = calloc(1, sizeof(*m));
	struct creator c = { .r = r, .p = p, .stats = stats, .buf = buf };
	int k = buf && m ? 0 : -ENOMEM;

	*stats = (struct backup_stats){ 0 };
	if (k >= 0 && r->latest.seq > 0 && !reread)
		k = backup_manifest_load(r, 0, &prev);
	c.prev = prev;
	if (k >= 0)
		k = backup_writer_start(r, &c.writer);
	if (k >= 0) {
		int w;
		k = build(&c, src, n, policy_dir, m);
		/* Every chunk on disk before the manifest that names them. */
		w = backup_writer_finish(c.writer, stats);
		k = k < 0 ? k : w;
	}
	if (k >= 0)
		k = backup_repo_commit(r, m);
	for (size_t i = 0; m && i < m->n_vms; i++)
		stats->bytes_total += m->vms[i].volume.size;
	stats->seq = k >= 0 ? m->seq : 0;
	backup_manifest_free(prev);
	backup_manifest_free(m);
	return k;
}
