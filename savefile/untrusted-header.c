/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target's parser of a bulkhead.SaveFile header: version, suggested name, declared size.
 *
 * Trust: every byte comes from the source VM, which may be hostile. The parser is pure (no
 * state, no filesystem), bounded (it never asks for more than the 16-byte header and at most
 * FILECOPY_NAME_MAX bytes of name), and fuzzed (tests/fuzz/fuzz-savefile-header.c). The name
 * is checked by file copy's own rules (filecopy_leaf_name_parse), so a name that file copy
 * would refuse is refused here too. Values keep their untrusted_ names until checked.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fdio.h"
#include "savefile.h"
#include "unaligned.h"

#define HEADER_SIZE sizeof(struct savefile_wire_header)

/* The fixed part: 0 with the name's length, or an error. */
static int parse_fixed(const uint8_t *raw, uint32_t *ret_namelen, uint64_t *ret_size)
{
	uint32_t untrusted_version = unaligned_read_le32(raw),
		 untrusted_namelen = unaligned_read_le32(raw + 4);
	uint64_t untrusted_size = unaligned_read_le64(raw + 8);

	if (untrusted_version != SAVEFILE_VERSION)
		return -EPROTONOSUPPORT;
	if (untrusted_namelen == 0)
		return -EILSEQ;
	if (untrusted_namelen > FILECOPY_NAME_MAX)
		return -ENAMETOOLONG;
	if (untrusted_size > INT64_MAX)
		return -EFBIG;
	*ret_namelen = untrusted_namelen;
	*ret_size = untrusted_size;
	return 0;
}

ssize_t savefile_header_parse(const void *untrusted_buf, size_t len, struct savefile_header *ret)
{
	const uint8_t *raw = untrusted_buf;
	uint32_t namelen;
	uint64_t size;
	int r;

	if (len < HEADER_SIZE)
		return -ENODATA;
	r = parse_fixed(raw, &namelen, &size);
	if (r < 0)
		return r;
	if (len - HEADER_SIZE < namelen)
		return -ENODATA;
	r = filecopy_leaf_name_parse(raw + HEADER_SIZE, namelen, ret->name);
	if (r < 0)
		return r;
	ret->size = size;
	return (ssize_t)(HEADER_SIZE + namelen);
}

int savefile_header_read(int fd, struct savefile_header *ret)
{
	uint8_t buf[HEADER_SIZE + FILECOPY_NAME_MAX];
	uint32_t namelen;
	uint64_t size;
	int r = fd_read_exact(fd, buf, HEADER_SIZE);

	if (r < 0)
		return r;
	/* Checked before reading on: the name's length decides how much more is read. */
	r = parse_fixed(buf, &namelen, &size);
	if (r < 0)
		return r;
	r = fd_read_exact(fd, buf + HEADER_SIZE, namelen);
	if (r < 0)
		return r;
	ssize_t n = savefile_header_parse(buf, HEADER_SIZE + namelen, ret);
	return n < 0 ? (int)n : 0;
}

const char *savefile_header_error(int r)
{
	switch (r) {
	case -EPROTONOSUPPORT:
		return "unsupported protocol version";
	case -EILSEQ:
		return "the file name is empty, contains '/', is '.' or '..', or has characters "
		       "that are not allowed (control characters, invalid UTF-8)";
	case -ENAMETOOLONG:
		return "the file name is longer than 255 bytes";
	case -EFBIG:
		return "the declared size is impossible";
	case -EPIPE:
	case -ENODATA:
		return "the stream ended inside the header";
	default:
		return "the header could not be read";
	}
}
