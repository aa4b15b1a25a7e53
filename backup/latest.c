/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which backup is the latest, and why an older one cannot pass for it.
 *
 * The latest pointer (DEST/latest) names the newest manifest by number and keyed hash, under
 * a MAC; each manifest names its predecessor the same way, so the pointer anchors a chain
 * that covers every backup. Swapping in an older manifest, or dropping the newest, breaks
 * the chain or the pointer. What the destination alone cannot reveal is a wholesale rollback
 * (an old copy of the pointer together with the old manifests): for that the host keeps a
 * high-water mark, <state>/backup/<repository id>, with the newest number and hash it made or
 * saw, and refuses a repository whose latest is older (docs/backup-format.md, "Threat model").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup-internal.h"
#include "fdio.h"
#include "macro.h"
#include "paths.h"
#include "strutil.h"

struct mark {
	uint64_t seq;
	uint8_t hash[BACKUP_MAC_SIZE];
};

static void latest_mac(const struct backup_keys *k, const struct backup_latest *l,
		       uint8_t out[BACKUP_MAC_SIZE])
{
	uint8_t raw[BACKUP_LATEST_SIZE];

	backup_latest_write(l, raw);
	backup_mac(k->pointer_mac, raw, BACKUP_LATEST_SIZE - BACKUP_MAC_SIZE, out);
}

static int read_pointer(struct backup_repo *r)
{
	_cleanup_free_ uint8_t *raw = NULL;
	uint8_t mac[BACKUP_MAC_SIZE];
	size_t len;
	int k = r->store->ops->get(r->store, "latest", 4096, &raw, &len);

	if (k == -ENOENT) {
		r->latest = (struct backup_latest){ 0 };
		return 0;
	}
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot read %s/latest: %s", r->dest, strerror(-k));
	if (backup_latest_parse(raw, len, &r->latest) < 0)
		return backup_repo_fail(r, -EBADMSG, "%s/latest is damaged", r->dest);
	latest_mac(r->keys, &r->latest, mac);
	if (sodium_memcmp(mac, r->latest.mac, BACKUP_MAC_SIZE) != 0)
		return backup_repo_fail(r, -EBADMSG, "%s/latest is forged or damaged", r->dest);
	return 0;
}

/* Without a pointer there must be no manifest either: a deleted pointer is not "empty". */
static int check_no_manifests(struct backup_repo *r)
{
	char **names = NULL;
	size_t n = 0;
	int k = r->store->ops->list(r->store, "manifests", &names, &n);

	backup_strv_free(names, n);
	if (k >= 0 && n > 0)
		return backup_repo_fail(r, -EBADMSG,
					"%s/latest is missing but the repository has backups",
					r->dest);
	return k < 0 ? backup_repo_fail(r, k, "Cannot list %s/manifests", r->dest) : 0;
}

static int read_mark(const char *path, struct mark *m)
{
	_cleanup_free_ char *text = NULL;
	char hex[BACKUP_MAC_SIZE * 2 + 1];
	size_t n;

	*m = (struct mark){ 0 };
	if (fd_read_file(AT_FDCWD, path, 256, &text, NULL) < 0)
		return 0; /* never saw this repository: trust it on first use */
	if (sscanf(text, "seq %" SCNu64 " hash %64s", &m->seq, hex) != 2 ||
	    sodium_hex2bin(m->hash, sizeof(m->hash), hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n != BACKUP_MAC_SIZE)
		return -EBADMSG;
	return 0;
}

static int check_mark(struct backup_repo *r)
{
	struct mark m;

	if (!r->state_file[0])
		return 0;
	if (read_mark(r->state_file, &m) < 0)
		return backup_repo_fail(r, -EBADMSG, "%s is damaged", r->state_file);
	if (r->latest.seq < m.seq)
		return backup_repo_fail(r, -ESTALE,
					"%s was rolled back: its latest backup is #%" PRIu64
					", but this host made or saw #%" PRIu64
					" (an older copy replayed as the latest)",
					r->dest, r->latest.seq, m.seq);
	if (r->latest.seq == m.seq &&
	    sodium_memcmp(m.hash, r->latest.manifest_hash, BACKUP_MAC_SIZE) != 0)
		return backup_repo_fail(r, -ESTALE,
					"%s: backup #%" PRIu64
					" is not the one this host made or saw (replaced)",
					r->dest, m.seq);
	return 0;
}

int backup_high_water_update(struct backup_repo *r)
{
	char hex[BACKUP_MAC_SIZE * 2 + 1], tmp[4200], line[128];
	_cleanup_close_ int fd = -1;
	int k;

	if (!r->state_file[0] || r->latest.seq == 0)
		return 0;
	sodium_bin2hex(hex, sizeof(hex), r->latest.manifest_hash, BACKUP_MAC_SIZE);
	str_printf(line, sizeof(line), "seq %" PRIu64 " hash %s\n", r->latest.seq, hex);
	str_printf(tmp, sizeof(tmp), "%s.tmp", r->state_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return negative_errno();
	k = fd_write_all(fd, line, strlen(line));
	if (k >= 0 && fsync(fd) < 0)
		k = negative_errno();
	if (k >= 0 && rename(tmp, r->state_file) < 0)
		k = negative_errno();
	return k;
}

static int set_state_file(struct backup_repo *r, const char *state_dir)
{
	char hex[BACKUP_REPO_ID_SIZE * 2 + 1], dir[4096];
	int k;

	if (!state_dir)
		return 0;
	sodium_bin2hex(hex, sizeof(hex), r->header.repo_id, BACKUP_REPO_ID_SIZE);
	k = str_printf(dir, sizeof(dir), "%s/backup", state_dir);
	if (k >= 0)
		k = mkdir_parents_private(dir);
	if (k >= 0)
		k = str_printf(r->state_file, sizeof(r->state_file), "%s/%s", dir, hex);
	return k < 0 ? backup_repo_fail(r, k, "Cannot use %s: %s", dir, strerror(-k)) : 0;
}

int backup_latest_load(struct backup_repo *r, const char *state_dir)
{
	int k = set_state_file(r, state_dir);

	if (k >= 0)
		k = read_pointer(r);
	if (k >= 0 && r->latest.seq == 0)
		k = check_no_manifests(r);
	if (k >= 0)
		k = check_mark(r);
	return k;
}

/* After a commit: the new pointer, then the mark, so the mark never runs ahead of DEST. */
int backup_latest_store(struct backup_repo *r, uint64_t seq, const uint8_t hash[BACKUP_MAC_SIZE])
{
	struct backup_latest l = { .seq = seq };
	uint8_t raw[BACKUP_LATEST_SIZE];
	int k;

	memcpy(l.manifest_hash, hash, BACKUP_MAC_SIZE);
	latest_mac(r->keys, &l, l.mac);
	backup_latest_write(&l, raw);
	k = r->store->ops->put(r->store, "latest", raw, sizeof(raw));
	if (k < 0)
		return backup_repo_fail(r, k, "Cannot write %s/latest: %s", r->dest, strerror(-k));
	r->latest = l;
	k = backup_high_water_update(r);
	return k < 0 ? backup_repo_fail(r, k, "Cannot write %s: %s", r->state_file, strerror(-k))
		     : 0;
}
