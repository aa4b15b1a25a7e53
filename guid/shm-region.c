/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: every buffer and rectangle here is the VM's (untrusted_ until checked). The region's
 * size is guid's own (the file it mapped), never the VM's word. A buffer leaves
 * gui_shm_buffer_check() only when all of it lies inside the region; a rectangle is painted
 * only when gui_shm_damage_span() put all of its rows inside that buffer. All arithmetic is in
 * 64 bits on 32-bit inputs, so nothing here can overflow.
 *
 * What the region holds is never checked, nor read here: pixels only, which the VM may change
 * at any time (guid's readers treat them as such).
 */
#include "shm-region.h"
#include "gui-validate.h"

const char *gui_shm_region_check(uint64_t size)
{
	if (size < GUI_SHM_MIN || size > GUI_SHM_MAX)
		return "shared region size out of range";
	if (size % GUI_SHM_ALIGN)
		return "shared region size not a whole number of pages";
	return NULL;
}

const char *gui_shm_buffer_check(const struct gui_shm_buffer *untrusted, uint64_t region_size,
				 struct gui_shm_buffer *ret)
{
	struct gui_shm_buffer untrusted_b = *untrusted;

	if (untrusted_b.w == 0 && untrusted_b.h == 0 && untrusted_b.offset == 0) {
		*ret = untrusted_b;
		return NULL;
	}
	if (!gui_size_is_valid(untrusted_b.w, untrusted_b.h))
		return "shared buffer size out of range";
	if (untrusted_b.offset % GUI_SHM_ALIGN)
		return "shared buffer offset not page-aligned";
	if ((uint64_t)untrusted_b.offset + (uint64_t)untrusted_b.w * untrusted_b.h * 4 >
	    region_size)
		return "shared buffer outside the region";
	*ret = untrusted_b;
	return NULL;
}

const char *gui_shm_damage_span(const struct gui_shm_buffer *buffer, const struct gui_damage *d,
				uint64_t *first, uint64_t *span)
{
	uint64_t stride = (uint64_t)buffer->w * 4;

	if (gui_shm_buffer_is_empty(buffer))
		return "shared damage for a window without a buffer";
	if (!gui_damage_is_inside(d, buffer->w, buffer->h))
		return "shared damage outside the window's buffer";
	*first = buffer->offset + (uint64_t)d->y * stride + (uint64_t)d->x * 4;
	*span = (uint64_t)(d->h - 1) * stride + (uint64_t)d->w * 4;
	return NULL;
}
