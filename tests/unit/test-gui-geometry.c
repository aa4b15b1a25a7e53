/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guid's geometry rules: size limits, damage inside windows, override-redirect windows kept
 * on screen and demoted, and label colours. */
#include <errno.h>
#include <stdint.h>

#include "gui-validate.h"
#include "label.h"
#include "tap.h"

static void test_sizes(void)
{
	ok(gui_size_is_valid(1, 1), "1x1 is a window");
	ok(gui_size_is_valid(16384, 6144), "16384x6144 is the largest");
	ok(!gui_size_is_valid(16385, 100), "wider than 16384 is refused");
	ok(!gui_size_is_valid(100, 6145), "taller than 6144 is refused");
	ok(!gui_size_is_valid(0, 10) && !gui_size_is_valid(10, 0), "empty windows are refused");
	ok(!gui_size_is_valid(UINT32_MAX, UINT32_MAX), "huge sizes are refused");
	ok(gui_rect_is_valid(&(struct gui_rect){ -32767, 32767, 10, 10 }),
	   "positions across the X11 range");
	ok(!gui_rect_is_valid(&(struct gui_rect){ -40000, 0, 10, 10 }), "x below -32767");
	ok(!gui_rect_is_valid(&(struct gui_rect){ 0, INT32_MAX, 10, 10 }), "y above 32767");
}

static void test_damage(void)
{
	ok(gui_damage_is_inside(&(struct gui_damage){ 0, 0, 100, 50 }, 100, 50),
	   "the whole window");
	ok(gui_damage_is_inside(&(struct gui_damage){ 99, 49, 1, 1 }, 100, 50), "the last pixel");
	ok(!gui_damage_is_inside(&(struct gui_damage){ 90, 0, 20, 10 }, 100, 50),
	   "past the right edge");
	ok(!gui_damage_is_inside(&(struct gui_damage){ 0, 45, 10, 10 }, 100, 50),
	   "past the bottom edge");
	ok(!gui_damage_is_inside(&(struct gui_damage){ UINT32_MAX, 0, 2, 1 }, 100, 50),
	   "x + w overflowing 32 bits is still outside");
	ok(!gui_damage_is_inside(&(struct gui_damage){ 0, 0, 0, 5 }, 100, 50),
	   "an empty rectangle is refused");
}

static void test_override_redirect(void)
{
	struct gui_rect r;

	ok(gui_rect_covers_screen(&(struct gui_rect){ 0, 0, 1280, 800 }, 1280, 800),
	   "a full-screen menu covers the screen");
	ok(gui_rect_covers_screen(&(struct gui_rect){ 10, 10, 1270, 790 }, 1280, 800),
	   "98 percent covers it");
	ok(!gui_rect_covers_screen(&(struct gui_rect){ 0, 0, 1280, 720 }, 1280, 800),
	   "exactly 90 percent does not");
	ok(!gui_rect_covers_screen(&(struct gui_rect){ 1000, 600, 16384, 6144 }, 1280, 800),
	   "a huge window mostly off screen does not");
	ok(!gui_rect_covers_screen(&(struct gui_rect){ -32767, -32767, 100, 100 }, 1280, 800),
	   "a window entirely off screen does not");
	r = gui_rect_keep_on_screen((struct gui_rect){ 1250, 790, 100, 50 }, 1280, 800);
	ok(r.x == 1180 && r.y == 750 && r.w == 100 && r.h == 50,
	   "a menu past the bottom-right corner moves back, same size");
	r = gui_rect_keep_on_screen((struct gui_rect){ -30, -5, 100, 50 }, 1280, 800);
	ok(r.x == 0 && r.y == 0, "a menu past the top-left corner moves back");
	r = gui_rect_keep_on_screen((struct gui_rect){ 300, 200, 2000, 50 }, 1280, 800);
	ok(r.x == 0 && r.y == 200, "wider than the screen: pinned to the left edge");
	r = gui_rect_keep_on_screen((struct gui_rect){ 300, 200, 100, 50 }, 1280, 800);
	ok(r.x == 300 && r.y == 200, "a window on screen stays where it is");
}

static void test_labels(void)
{
	uint32_t rgb = 0;

	ok(label_parse_rgb("red", &rgb) == 0 && rgb == 0xcc0000, "red");
	ok(label_parse_rgb("Orange", &rgb) == 0 && rgb == 0xf57900, "names ignore case");
	ok(label_parse_rgb("#12abEF", &rgb) == 0 && rgb == 0x12abef, "#rrggbb");
	is_int(label_parse_rgb("#12abE", &rgb), -EINVAL, "five hex digits");
	is_int(label_parse_rgb("#12abEG", &rgb), -EINVAL, "not hex");
	is_int(label_parse_rgb("pink", &rgb), -EINVAL, "unknown name");
}

int main(void)
{
	test_sizes();
	test_damage();
	test_override_redirect();
	test_labels();
	return tap_done();
}
