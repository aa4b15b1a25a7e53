/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a repository's objects live. Objects are named by relative paths ("header",
 * "manifests/0000000000000001", "chunks/ab/ab12..."); a put is atomic (all or nothing under
 * the name) and durable when it returns, so a full disk or a crash never damages what was
 * there. The directory store (store-dir.c) is the only one today; a store that talks to a
 * backup VM through the broker (`vm:backupvm:/path`, service bulkhead.Backup) would be a
 * second implementation of these few operations.
 *
 * What a store returns is untrusted: callers authenticate it before use.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct backup_store;

struct backup_store_ops {
	/* The whole object into a malloc'd buffer; -ENOENT if absent, -EFBIG over max. */
	int (*get)(struct backup_store *s, const char *name, size_t max, uint8_t **ret,
		   size_t *ret_len);
	int (*put)(struct backup_store *s, const char *name, const void *data, size_t len);
	/* 1 exists, 0 not, -errno. */
	int (*exists)(struct backup_store *s, const char *name);
	/* Names of the objects directly in dir (no dot files), malloc'd array of malloc'd
	 * strings. */
	int (*list)(struct backup_store *s, const char *dir, char ***ret, size_t *n);
	void (*free)(struct backup_store *s);
};

struct backup_store {
	const struct backup_store_ops *ops;
};

/* A directory; created (with its parents' existence required) when create is set. Takes an
 * exclusive lock for the store's lifetime: -EBUSY when another run holds it. */
int backup_store_dir_open(const char *path, bool create, struct backup_store **ret);
void backup_store_free(struct backup_store *s);
void backup_strv_free(char **v, size_t n);
/* The names in an open directory, without dot files. */
int backup_dir_list(int dirfd, char ***ret, size_t *n);
