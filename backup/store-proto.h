/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.Backup: the host's store requests to a backup VM, which keeps the repository's
 * objects in a directory of its own (docs/backup-format.md, "Backups into a VM").
 *
 * One call carries one session: an OPEN, then any number of GET, PUT, EXISTS and LIST, each
 * answered before the next is sent. Every integer is little-endian.
 *
 *   request: op u8, flags u8, name_len u16, zero u32, data_len u64, name, data
 *            OPEN   name = absolute directory in the VM, flags bit 0 = create
 *            GET    data_len = the largest object the host accepts (no data follows)
 *            PUT    data = the object
 *   reply:   status u32 (0, or a positive errno), zero u32, len u64, then len bytes
 *            GET    the object; LIST: the names, each NUL-terminated; others: nothing
 *            EXISTS status 0 present, ENOENT absent
 *
 * The host believes nothing a reply says (backup/untrusted-store-reply.c bounds it, and every
 * object is authenticated above the store like a local directory's).
 */
#pragma once

#include <stdint.h>

#define BACKUP_STORE_SERVICE "bulkhead.Backup"
#define BACKUP_STORE_HEAD_SIZE 16

enum backup_store_op {
	BACKUP_STORE_OPEN = 1,
	BACKUP_STORE_GET = 2,
	BACKUP_STORE_PUT = 3,
	BACKUP_STORE_EXISTS = 4,
	BACKUP_STORE_LIST = 5,
};
#define BACKUP_STORE_FLAG_CREATE 1u

/* An object: a manifest (64 MiB of text and its envelope) is the largest. */
#define BACKUP_STORE_OBJECT_MAX ((64u << 20) + 4096u)
#define BACKUP_STORE_NAME_MAX 255
#define BACKUP_STORE_PATH_MAX 4095
/* A LIST reply: the top directory, or one name per backup in manifests/. */
#define BACKUP_STORE_LIST_BYTES_MAX (4u << 20)
#define BACKUP_STORE_LIST_NAMES_MAX 65536u
