/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules for window pixels in a shared region (GUI protocol 1.2): which window buffers a VM
 * may declare in a region of a given size, and which damage rectangles may be painted from one.
 * Pure (no X, no I/O, no mapping): unit-tested and fuzzed (tests/fuzz/fuzz-gui-shm.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gui-proto.h"

/* NULL if a region of this many bytes can be offered (GUI_SHM_MIN..GUI_SHM_MAX, whole pages),
 * else why not. */
const char *gui_shm_region_check(uint64_t size);

/* NULL and *ret set if the VM's buffer lies wholly inside a region of region_size bytes, at an
 * aligned offset, with a valid window size (or is the empty buffer 0, 0, 0); else why not. */
const char *gui_shm_buffer_check(const struct gui_shm_buffer *untrusted, uint64_t region_size,
				 struct gui_shm_buffer *ret);

static inline bool gui_shm_buffer_is_empty(const struct gui_shm_buffer *b)
{
	return b->w == 0 || b->h == 0;
}

/* NULL if the damage rectangle (already inside its window) lies inside the window's checked,
 * non-empty buffer; then *first is the region offset of its top-left pixel and *span the bytes
 * from there to the end of its last row (rows are buffer->w * 4 bytes apart). */
const char *gui_shm_damage_span(const struct gui_shm_buffer *buffer, const struct gui_damage *d,
				uint64_t *first, uint64_t *span);
