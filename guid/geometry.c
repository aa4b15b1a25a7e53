/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: rectangles come from a VM. All arithmetic is done in 64 bits so that no value a VM
 * can put in a 32-bit field overflows a comparison.
 */
#include "gui-validate.h"

bool gui_size_is_valid(uint32_t w, uint32_t h)
{
	return w >= 1 && h >= 1 && w <= GUI_MAX_WIDTH && h <= GUI_MAX_HEIGHT;
}

bool gui_rect_is_valid(const struct gui_rect *r)
{
	return gui_size_is_valid(r->w, r->h) && r->x >= -GUI_COORD_MAX && r->x <= GUI_COORD_MAX &&
	       r->y >= -GUI_COORD_MAX && r->y <= GUI_COORD_MAX;
}

bool gui_damage_is_inside(const struct gui_damage *d, uint32_t w, uint32_t h)
{
	return d->w >= 1 && d->h >= 1 && (uint64_t)d->x + d->w <= w && (uint64_t)d->y + d->h <= h;
}

/* Length of [a, a + alen) intersected with [0, limit). */
static int64_t overlap(int64_t a, int64_t alen, int64_t limit)
{
	int64_t lo = a < 0 ? 0 : a;
	int64_t hi = a + alen > limit ? limit : a + alen;
	return hi > lo ? hi - lo : 0;
}

bool gui_rect_covers_screen(const struct gui_rect *r, uint32_t screen_w, uint32_t screen_h)
{
	int64_t area = overlap(r->x, r->w, screen_w) * overlap(r->y, r->h, screen_h);
	return area * 10 > (int64_t)screen_w * screen_h * 9;
}

static int32_t clamp_axis(int32_t pos, uint32_t size, uint32_t screen)
{
	if (size >= screen || pos < 0)
		return 0;
	if ((int64_t)pos + size > screen)
		return (int32_t)(screen - size);
	return pos;
}

struct gui_rect gui_rect_keep_on_screen(struct gui_rect r, uint32_t screen_w, uint32_t screen_h)
{
	r.x = clamp_axis(r.x, r.w, screen_w);
	r.y = clamp_axis(r.y, r.h, screen_h);
	return r;
}
