/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver's filesystem side (private to filecopy/): every operation is relative to one
 * directory fd and takes only names that passed untrusted-header.c. Walks never follow a
 * symlink and never leave that directory; files appear only when whole; nothing is ever
 * overwritten (an existing name gets " (1)", " (2)", ... beside it).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "filecopy.h"

enum link_mode {
	LINK_EMPTY_PATH, /* linkat(fd, "", AT_EMPTY_PATH) */
	LINK_PROC,	 /* linkat("/proc/self/fd/N", AT_SYMLINK_FOLLOW) */
	LINK_NAMED,	 /* no usable O_TMPFILE: a hidden temporary name, renamed when whole */
};

struct dirmap_entry {
	char *key;  /* the directory's name in the stream */
	char *real; /* where it is beneath the root (differs after a " (1)" rename) */
};

struct recv_fs {
	int rootfd;
	bool use_openat2;
	enum link_mode link_mode;
	struct dirmap_entry *map; /* open addressing, the directories this stream created */
	size_t map_cap, map_used;
	size_t map_bytes; /* names held, bounded so a stream of deep directories cannot exhaust memory */
	uint64_t conflict_budget;	    /* " (k)" attempts left for this stream */
	char cache_path[FILECOPY_PATH_MAX]; /* real path of cache_fd ("" = root) */
	int cache_fd;
	uint64_t renamed;
	char renamed_to[FILECOPY_PATH_MAX];
};

int recv_fs_init(struct recv_fs *fs, int rootfd);
void recv_fs_finish(struct recv_fs *fs);

/* Each takes a validated stream name; 0 or -errno. */
int recv_fs_mkdir(struct recv_fs *fs, const char *name, const struct filecopy_header *h,
		  bool *ret_created);
int recv_fs_symlink(struct recv_fs *fs, const char *name, const char *target,
		    const struct filecopy_header *h);

/* A regular file in the making: created by recv_fs_file_begin, fed with data, then either
 * committed (linked into place) or aborted (gone without a trace). */
struct recv_file {
	int fd;
	int parentfd; /* borrowed from fs */
	char leaf[FILECOPY_NAME_MAX + 1];
	char parent_real[FILECOPY_PATH_MAX];
	char tmpname[64]; /* LINK_NAMED only */
};

int recv_fs_file_begin(struct recv_fs *fs, const char *name, struct recv_file *f);
int recv_fs_file_commit(struct recv_fs *fs, struct recv_file *f, const struct filecopy_header *h);
void recv_fs_file_abort(struct recv_file *f);
