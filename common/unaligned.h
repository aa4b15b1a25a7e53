/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading fixed-width integers from byte buffers at any alignment (wire formats, file formats).
 * memcpy, not a cast: a peer's buffer gives no alignment guarantee, and the compiler turns the
 * copy into one load. */
#pragma once

#include <endian.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t unaligned_read_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t unaligned_read_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline uint32_t unaligned_read_be32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}
