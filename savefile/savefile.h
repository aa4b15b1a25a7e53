/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Save a file into another VM (bulkhead.SaveFile): the header parser both ends share, the
 * reply words, and the target's write of the data. The wire format is in savefile-proto.h.
 *
 *   untrusted-header.c  the target's bounded parser of the source's header (fuzzed)
 *   reply.c             encode the header (source) and parse the reply line (source)
 *   write.c             the target: exactly size bytes from a stream into a file, atomically
 *
 * Functions return >= 0 on success and -errno on failure, and never log: programs do.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "filecopy.h"
#include "savefile-proto.h"

/* A header that passed savefile_header_parse(): the name is one safe file name. */
struct savefile_header {
	char name[FILECOPY_NAME_MAX + 1];
	uint64_t size;
};

/* Parse the start of buf (len bytes) as a header and its name. Returns the bytes it used
 * (> 0), or -ENODATA when buf does not yet hold the whole header and name, -EPROTONOSUPPORT
 * for another version, -EFBIG for a size over INT64_MAX, -ENAMETOOLONG or -EILSEQ for the
 * name (the rules of filecopy_leaf_name_parse). */
ssize_t savefile_header_parse(const void *untrusted_buf, size_t len, struct savefile_header *ret);
/* Read a header from fd: never more than the header and its name. 0, the parse errors above,
 * -EPIPE when the stream ended inside it, or -errno. */
int savefile_header_read(int fd, struct savefile_header *ret);
/* A sentence for a header error, for the log and the source's user (never NULL). */
const char *savefile_header_error(int r);

/* Encode a header and name into buf (sizeof(struct savefile_wire_header) + FILECOPY_NAME_MAX
 * bytes); returns its length, or -ENAMETOOLONG. */
ssize_t savefile_header_encode(void *buf, const char *name, uint64_t size);

enum savefile_reply {
	SAVEFILE_SAVED,
	SAVEFILE_CANCELLED,
	SAVEFILE_REFUSED,
	SAVEFILE_FAILED,
};

/* The reply's word with its newline ("saved\n"). */
const char *savefile_reply_line(enum savefile_reply r);
/* Parse a reply line (len bytes, the newline included): 0 with *ret, or -EBADMSG. */
int savefile_reply_parse(const void *untrusted_buf, size_t len, enum savefile_reply *ret);

/* Copy exactly size bytes from in_fd into a new file leaf in dirfd, then require EOF. The file
 * appears only when whole (filecopy_atomic_*); replace: the user confirmed replacing an
 * existing leaf. -EPIPE: the stream ended early (*ret_got says after how much); -EMSGSIZE:
 * more data than declared; -EEXIST: leaf exists and replace is false; -ENOSPC: the declared
 * size does not fit the filesystem (checked before the first byte); or -errno. */
int savefile_write(int in_fd, int dirfd, const char *leaf, uint64_t size, bool replace, mode_t perm,
		   uint64_t *ret_got);
