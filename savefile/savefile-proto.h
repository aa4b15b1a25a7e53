/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.SaveFile on the wire (docs/savefile-protocol.md): the source VM offers one file, the
 * target VM's user chooses where it goes, the source learns one word.
 *
 * Version history:
 *   1 (Bulkhead 0.1): header, suggested name, data, EOF; a one-line reply.
 *
 * Source -> target, little-endian, no padding:
 *   struct savefile_wire_header (16 bytes), then namelen bytes of the suggested name (no NUL),
 *   then exactly size bytes of data, then EOF (the source closes its end).
 * Target -> source: one line, "saved\n", "cancelled\n", "refused\n" or "failed\n".
 */
#pragma once

#include <stdint.h>

#define SAVEFILE_VERSION 1

struct savefile_wire_header {
	uint32_t version; /* SAVEFILE_VERSION */
	uint32_t namelen; /* 1..FILECOPY_NAME_MAX (255) bytes of name follow */
	uint64_t size;	  /* bytes of data after the name; at most INT64_MAX */
} __attribute__((packed));
_Static_assert(sizeof(struct savefile_wire_header) == 16, "savefile header is 16 bytes");

/* The reply words, each sent with a trailing newline. */
#define SAVEFILE_REPLY_SAVED "saved"
#define SAVEFILE_REPLY_CANCELLED "cancelled"
#define SAVEFILE_REPLY_REFUSED "refused" /* the header broke a rule or a limit */
#define SAVEFILE_REPLY_FAILED "failed"	 /* the data or the write failed: nothing was saved */
/* Longest reply line, newline included. */
#define SAVEFILE_REPLY_MAX 16
