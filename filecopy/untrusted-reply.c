/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sender's parser of the receiver's reply.
 *
 * Trust: the reply comes from the target VM, which may be hostile (or may simply be a VM the
 * user did not mean to send to). Its length field is bounded before anything is read for it,
 * the CRC is only compared, never trusted, and last_name stays raw bytes that are sanitised
 * (filecopy_name_sanitize) before they reach a terminal.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "unaligned.h"
#include "fdio.h"
#include "filecopy.h"

#define REPLY_HEAD sizeof(struct filecopy_result_header)
#define REPLY_EXT (REPLY_HEAD + sizeof(struct filecopy_result_header_ext))
#define REPLY_MAX (REPLY_EXT + FILECOPY_PATH_MAX - 1)

int filecopy_reply_parse(const void *untrusted_buf, size_t len, struct filecopy_reply *ret)
{
	const uint8_t *untrusted = untrusted_buf;
	uint64_t untrusted_crc;
	uint32_t untrusted_namelen = 0;

	if (len != REPLY_HEAD && len < REPLY_EXT)
		return -EBADMSG;
	if (len >= REPLY_EXT) {
		untrusted_namelen = unaligned_read_le32(untrusted + REPLY_HEAD);
		if (untrusted_namelen >= FILECOPY_PATH_MAX || len != REPLY_EXT + untrusted_namelen)
			return -EBADMSG;
	}
	untrusted_crc = unaligned_read_le64(untrusted + 8);
	ret->error_code = unaligned_read_le32(untrusted);
	ret->crc32 = (uint32_t)untrusted_crc;
	/* A CRC-32 with high bits set can never match: report it as a mismatch. */
	ret->crc_valid = untrusted_crc <= UINT32_MAX;
	ret->last_name_len = untrusted_namelen;
	memcpy(ret->last_name, untrusted + REPLY_EXT, untrusted_namelen);
	ret->last_name[untrusted_namelen] = '\0';
	return 0;
}

int filecopy_reply_read(int fd, struct filecopy_reply *ret)
{
	uint8_t buf[REPLY_MAX];
	ssize_t k = fd_read_full(fd, buf, REPLY_EXT);
	uint32_t untrusted_namelen;
	int r;

	if (k < 0)
		return (int)k;
	if (k == 0)
		return -ENODATA;
	if ((size_t)k < REPLY_EXT) /* the short form ends after 16 bytes */
		return filecopy_reply_parse(buf, (size_t)k, ret);
	untrusted_namelen = unaligned_read_le32(buf + REPLY_HEAD);
	if (untrusted_namelen >= FILECOPY_PATH_MAX)
		return -EBADMSG;
	r = fd_read_exact(fd, buf + REPLY_EXT, untrusted_namelen);
	if (r < 0)
		return r == -EPIPE ? -EBADMSG : r;
	return filecopy_reply_parse(buf, REPLY_EXT + untrusted_namelen, ret);
}

size_t filecopy_reply_encode(void *buf, uint32_t code, uint32_t crc, const void *name,
			     size_t name_len)
{
	uint8_t *p = buf;
	uint32_t c = htole32(code), pad = 0, n = htole32((uint32_t)name_len);
	uint64_t crc64 = htole64(crc);

	memcpy(p, &c, 4);
	memcpy(p + 4, &pad, 4);
	memcpy(p + 8, &crc64, 8);
	memcpy(p + 16, &n, 4);
	if (name_len)
		memcpy(p + 20, name, name_len);
	return REPLY_EXT + name_len;
}
