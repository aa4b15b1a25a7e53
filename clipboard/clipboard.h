/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inter-VM clipboard (GUI-AND-CLIPBOARD.md): one global clipboard on the host, filled by
 * Ctrl+Shift+C in a VM, emptied by Ctrl+Shift+V into exactly one other VM.
 *
 * The store is a file in the runtime dir, because the copy and the paste happen in two
 * different processes (one guid per VM). Taking it for a paste reads and wipes it under one
 * lock, so two pastes racing can never both get the data.
 *
 * Validators for what a VM hands over live in check-*.c, one per type, each fuzzed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "validate.h"

enum clipboard_type {
	CLIPBOARD_TEXT = 1, /* UTF-8 text */
	CLIPBOARD_PNG = 2,  /* image/png */
};

/* What a VM may send at most for one copy; more is a protocol violation. */
#define CLIPBOARD_HARD_MAX (16u << 20)
#define CLIPBOARD_TEXT_DEFAULT_MAX (256u << 10)
#define CLIPBOARD_IMAGE_DEFAULT_MAX (8u << 20)
/* A PNG that would decode to more pixels than this is refused before decoding. */
#define CLIPBOARD_IMAGE_DEFAULT_MAX_PIXELS (4096u * 4096u)

struct clipboard_limits {
	size_t text_max;
	size_t image_max;
	uint64_t image_max_pixels;
};

struct clipboard_entry {
	char source[VM_NAME_MAX + 1];
	enum clipboard_type type;
	uint64_t time_usec; /* CLOCK_REALTIME when copied */
	size_t len;
	uint8_t *data; /* sodium_malloc'd; NULL from clipboard_store_peek() */
};

/* Defaults, overridden by BULKHEAD_CLIPBOARD_TEXT_MAX / _IMAGE_MAX (bytes) when set; values
 * outside 256..CLIPBOARD_HARD_MAX are refused with -ERANGE. */
int clipboard_limits_from_env(struct clipboard_limits *l);
const char *clipboard_type_to_mime(enum clipboard_type t);
int clipboard_type_from_mime(const char *mime);

/* Validators. 0 if acceptable; -EMSGSIZE over the limit; -EILSEQ invalid text (bad UTF-8 or a
 * control character other than tab and newline); -EBADMSG a malformed PNG; -E2BIG an image
 * with too many pixels. */
int clipboard_check_text(const uint8_t *untrusted, size_t len, const struct clipboard_limits *l);
/* Bounded structural check without decompression (signature, IHDR, chunk lengths and CRCs):
 * what the host does before storing an image. */
int clipboard_check_png_structure(const uint8_t *untrusted, size_t len,
				  const struct clipboard_limits *l, uint32_t *width,
				  uint32_t *height);
/* The structure check plus a full decode with libpng: what the receiving side does before it
 * offers an image to its applications. */
int clipboard_check_png_decode(const uint8_t *untrusted, size_t len,
			       const struct clipboard_limits *l);
int clipboard_check(enum clipboard_type type, const uint8_t *untrusted, size_t len,
		    const struct clipboard_limits *l);

/* The store. dir: <runtime>/clipboard (created 0700 if missing). */
int clipboard_store_put(const char *dir, const struct clipboard_entry *e);
/* Metadata only (data stays NULL): what `vmctl clipboard show` prints. -ENOENT when empty. */
int clipboard_store_peek(const char *dir, struct clipboard_entry *e);
/* Read the whole entry (data copied with sodium_malloc) without taking it. */
int clipboard_store_read(const char *dir, struct clipboard_entry *e);
/* Read and wipe: the data reaches exactly one paste. -ENOENT when empty. */
int clipboard_store_take(const char *dir, struct clipboard_entry *e);
/* Take it only if it is still the entry `expect` names (same source and time): a paste checks
 * policy for what it peeked, and must not take a newer copy made meanwhile. -ESTALE (and the
 * store untouched) otherwise. */
int clipboard_store_take_if(const char *dir, const struct clipboard_entry *expect,
			    struct clipboard_entry *e);
int clipboard_store_clear(const char *dir);
/* Wipe and free e->data (sodium_memzero + sodium_free). Accepts an entry without data. */
void clipboard_entry_wipe(struct clipboard_entry *e);
/* <runtime>/clipboard, malloc'd. */
char *clipboard_store_default_dir(void);
