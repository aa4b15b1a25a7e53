/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file-copy stream and its reply, on the wire (FILECOPY.md). This is Qubes' qvm-copy format,
 * kept byte for byte so that Bulkhead's packer and unpacker can be checked against Qubes' own.
 *
 * Version history:
 *   1 (Bulkhead 0.1): the Qubes format as is. The reply always carries the extension
 *     (last_namelen + last_name). On success its name is empty, or, when the receiver had to
 *     keep some entries beside existing ones, the name one of them got ("a (1).txt"): a Qubes
 *     sender reads and ignores it, a Bulkhead sender tells the user.
 *
 * All integers are little-endian; the structs are packed and read/written as bytes through
 * the encode/decode helpers, never cast onto a buffer.
 */
#pragma once

#include <stdint.h>

struct filecopy_file_header {
	uint32_t namelen; /* strlen(name) + 1; 0 in the all-zero end marker */
	uint32_t mode;	  /* S_IFREG / S_IFDIR / S_IFLNK | permission bits */
	uint64_t filelen; /* file: size; directory: 0; symlink: target length, no NUL */
	uint32_t atime;
	uint32_t atime_nsec;
	uint32_t mtime;
	uint32_t mtime_nsec;
} __attribute__((packed));
_Static_assert(sizeof(struct filecopy_file_header) == 32, "file_header is 32 bytes on the wire");

struct filecopy_result_header {
	uint32_t error_code; /* 0, a Linux errno, or FILECOPY_ESHORTDATA */
	uint32_t pad;	     /* 0 */
	uint64_t crc32;	     /* the receiver's CRC-32 of every byte it read */
} __attribute__((packed));
_Static_assert(sizeof(struct filecopy_result_header) == 16, "result_header is 16 bytes");

struct filecopy_result_header_ext {
	uint32_t last_namelen; /* then last_namelen bytes, no NUL */
} __attribute__((packed));
_Static_assert(sizeof(struct filecopy_result_header_ext) == 4, "result_header_ext is 4 bytes");

/* Qubes' code for "the data ended in the middle of a file". */
#define FILECOPY_ESHORTDATA 31415926u

/* Longest path in the stream, NUL included (Qubes' MAX_PATH_LENGTH), and longest component. */
#define FILECOPY_PATH_MAX 4096
#define FILECOPY_NAME_MAX 255
