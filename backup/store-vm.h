/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM store: a repository kept by a backup VM's bulkhead.Backup service, reached over a
 * call's stream (store-proto.h). The caller makes the call (policy, qrexec-client) and hands
 * over the stream; everything above store.h is unchanged, so every object read back is
 * authenticated exactly as from a local directory.
 *
 *   untrusted-store-reply.c  the parser of the VM's replies (fuzzed: fuzz-backup-store-reply)
 *   store-vm.c               the store operations over the stream
 *   store-service.c          the VM's end (the program bulkhead.Backup)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store-proto.h"
#include "store.h"

struct backup_store_reply {
	int status; /* 0 or -errno */
	size_t len; /* bytes that follow */
};
/* A reply head (BACKUP_STORE_HEAD_SIZE bytes) to request op; max: what a GET asked for. */
int backup_store_reply_parse(const uint8_t *untrusted, uint8_t op, uint64_t max,
			     struct backup_store_reply *ret);
/* A LIST reply's body: NUL-terminated names, each a plain file name. */
int backup_store_list_parse(const uint8_t *untrusted, size_t len, char ***ret, size_t *n);

/* Open (or create) directory path in the VM over fd, a stream to the service. Takes fd; when
 * child > 0, the store's free closes fd and then reaps child (the qrexec-client). */
int backup_store_vm_open(int fd, pid_t child, const char *path, bool create,
			 struct backup_store **ret);
