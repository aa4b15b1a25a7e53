/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backup VM's replies to the host's store requests (store-proto.h).
 *
 * Trust: the backup VM is hostile. A reply's status is mapped to a small set of errors the
 * layers above understand, its length is bounded by what the request can legitimately get
 * back, and a LIST's names must look like the names a repository holds. What an object says
 * is not this file's business: the repository authenticates every byte of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store-vm.h"
#include "unaligned.h"

/* Errors a directory store may give; anything else a VM says becomes EIO. */
static int map_status(uint32_t status)
{
	static const int known[] = {
		ENOENT, EFBIG,	EBADMSG, ENOSPC, EDQUOT,  EIO,		EACCES,
		EBUSY,	EEXIST, EROFS,	 EPERM,	 ENOTDIR, ENAMETOOLONG, EINVAL
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (status == (uint32_t)known[i])
			return -known[i];
	return -EIO;
}

int backup_store_reply_parse(const uint8_t *untrusted, uint8_t op, uint64_t max,
			     struct backup_store_reply *ret)
{
	uint32_t status = unaligned_read_le32(untrusted);
	uint64_t len = unaligned_read_le64(untrusted + 8);
	uint64_t allowed = op == BACKUP_STORE_GET    ? max
			   : op == BACKUP_STORE_LIST ? BACKUP_STORE_LIST_BYTES_MAX
						     : 0;

	if (unaligned_read_le32(untrusted + 4) != 0)
		return -EBADMSG;
	/* An error carries nothing; a success carries at most what was asked for. */
	if (status != 0 && len != 0)
		return -EBADMSG;
	if (len > allowed)
		return -EBADMSG;
	ret->status = status == 0 ? 0 : map_status(status);
	ret->len = (size_t)len;
	return 0;
}

/* A name directly in a repository directory: "header", "00000000000000000001", "ab", ... */
static bool list_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > BACKUP_STORE_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    s[i]) ||
		    s[i] == '\0')
			return false;
	return true;
}

int backup_store_list_parse(const uint8_t *untrusted, size_t len, char ***ret, size_t *n)
{
	char **names = NULL;
	size_t count = 0, start = 0;
	int r = 0;

	*ret = NULL;
	*n = 0;
	if (len > BACKUP_STORE_LIST_BYTES_MAX || (len > 0 && untrusted[len - 1] != '\0'))
		return -EBADMSG;
	for (size_t i = 0; r >= 0 && i < len; i++) {
		if (untrusted[i] != '\0')
			continue;
		const char *name = (const char *)untrusted + start;
		if (count >= BACKUP_STORE_LIST_NAMES_MAX || !list_name_ok(name, i - start)) {
			r = -EBADMSG;
			break;
		}
		char **nv = reallocarray(names, count + 1, sizeof(*nv));
		if (!nv || !(nv[count] = strndup(name, i - start))) {
			names = nv ? nv : names;
			r = -ENOMEM;
			break;
		}
		names = nv;
		count++;
		start = i + 1;
	}
	if (r < 0) {
		backup_strv_free(names, count);
		return r;
	}
	*ret = names;
	*n = count;
	return 0;
}
