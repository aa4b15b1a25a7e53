/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared-memory pixels (GUI protocol 1.2): the region sizes guid offers, the window buffers a
 * VM may declare in it, and the rectangles that may be painted from them (guid/shm-region.c),
 * plus the parser's framing of SHM_BUFFER and SHM_DAMAGE. */
#include <endian.h>
#include <stdint.h>

#include "msg.h"
#include "parse-agent.h"
#include "shm-region.h"
#include "tap.h"

#define MIB (1u << 20)

static void test_region(void)
{
	ok(!gui_shm_region_check(64 * MIB), "64 MiB can be offered");
	ok(!gui_shm_region_check(GUI_SHM_MIN) && !gui_shm_region_check(GUI_SHM_MAX),
	   "the limits themselves");
	ok(gui_shm_region_check(GUI_SHM_MIN - GUI_SHM_ALIGN) != NULL, "under 1 MiB is refused");
	ok(gui_shm_region_check((uint64_t)GUI_SHM_MAX + GUI_SHM_ALIGN) != NULL,
	   "over 1 GiB is refused");
	ok(gui_shm_region_check(64 * MIB + 1) != NULL, "not whole pages is refused");
}

static const char *buffer(uint32_t off, uint32_t w, uint32_t h, uint64_t region)
{
	struct gui_shm_buffer b = { off, w, h }, out = { 1, 1, 1 };
	return gui_shm_buffer_check(&b, region, &out);
}

static void test_buffer(void)
{
	uint64_t region = 64 * MIB;

	ok(!buffer(0, 1920, 1080, region), "a 1080p buffer at the start");
	ok(!buffer(region - 1920u * 1080 * 4 - (region - 1920u * 1080 * 4) % GUI_SHM_ALIGN, 1920,
		   1080, region),
	   "a 1080p buffer at the last aligned offset that holds it");
	ok(!buffer(0, 0, 0, region), "the empty buffer (no buffer any more)");
	ok(buffer(4096, 0, 0, region) != NULL, "empty but with an offset is refused");
	ok(buffer(0, 0, 10, region) != NULL, "a zero width is refused");
	ok(buffer(100, 10, 10, region) != NULL, "an unaligned offset is refused");
	ok(buffer((uint32_t)region, 1, 1, region) != NULL, "an offset at the region's end");
	ok(buffer((uint32_t)region - GUI_SHM_ALIGN, 1025, 1, region) != NULL,
	   "one pixel past the region's end");
	ok(!buffer((uint32_t)region - GUI_SHM_ALIGN, 1024, 1, region),
	   "exactly up to the region's end");
	ok(buffer(UINT32_MAX & ~(GUI_SHM_ALIGN - 1), 16384, 6144, region) != NULL,
	   "a huge offset and size do not wrap around");
	ok(buffer(0, 16385, 1, 2u * GUI_SHM_MAX) != NULL, "wider than any window is refused");
	ok(buffer(0, 4096, 4096, 32 * MIB) != NULL, "64 MiB of pixels in a 32 MiB region");
}

static void test_damage_span(void)
{
	struct gui_shm_buffer b = { 8192, 100, 50 }, none = { 0 };
	uint64_t first = 0, span = 0;

	ok(!gui_shm_damage_span(&b, &(struct gui_damage){ 0, 0, 100, 50 }, &first, &span) &&
		   first == 8192 && span == 100u * 50 * 4,
	   "the whole buffer spans all of it");
	ok(!gui_shm_damage_span(&b, &(struct gui_damage){ 10, 2, 5, 3 }, &first, &span) &&
		   first == 8192 + 2 * 400 + 10 * 4 && span == 2 * 400 + 5 * 4,
	   "a rectangle spans from its first pixel to its last row's end");
	ok(!gui_shm_damage_span(&b, &(struct gui_damage){ 99, 49, 1, 1 }, &first, &span) &&
		   first + span == 8192 + 100u * 50 * 4,
	   "the last pixel ends at the buffer's end");
	ok(gui_shm_damage_span(&b, &(struct gui_damage){ 95, 0, 10, 1 }, &first, &span) != NULL,
	   "past the buffer's right edge");
	ok(gui_shm_damage_span(&b, &(struct gui_damage){ 0, 45, 1, 10 }, &first, &span) != NULL,
	   "past the buffer's bottom");
	ok(gui_shm_damage_span(&b, &(struct gui_damage){ UINT32_MAX, 0, 2, 1 }, &first, &span) !=
		   NULL,
	   "x + w wrapping 32 bits");
	ok(gui_shm_damage_span(&none, &(struct gui_damage){ 0, 0, 1, 1 }, &first, &span) != NULL,
	   "a window without a buffer");
}

static int parse(uint32_t type, uint32_t id, const uint32_t *words, uint32_t n,
		 struct gui_agent_msg *out)
{
	uint32_t le[8];
	const char *why;

	for (uint32_t i = 0; i < n; i++)
		le[i] = htole32(words[i]);
	struct msg m = { .type = type, .id = id, .len = n * 4, .payload = (uint8_t *)le };
	return gui_parse_agent_msg(&m, out, &why);
}

static void test_parser(void)
{
	static struct gui_agent_msg out;

	ok(parse(GUI_MSG_SHM_BUFFER, 1, (uint32_t[]){ 4096, 640, 480 }, 3, &out) == 0 &&
		   out.u.shm_buffer.offset == 4096 && out.u.shm_buffer.w == 640,
	   "SHM_BUFFER parsed");
	ok(parse(GUI_MSG_SHM_BUFFER, 1, (uint32_t[]){ 4096, 640 }, 2, &out) < 0,
	   "SHM_BUFFER of the wrong length");
	ok(parse(GUI_MSG_SHM_BUFFER, 0, (uint32_t[]){ 0, 1, 1 }, 3, &out) < 0,
	   "SHM_BUFFER for window 0");
	ok(parse(GUI_MSG_SHM_BUFFER, 1, (uint32_t[]){ 12, 1, 1 }, 3, &out) < 0,
	   "SHM_BUFFER unaligned");
	ok(parse(GUI_MSG_SHM_DAMAGE, 1, (uint32_t[]){ 1, 2, 3, 4, 5 }, 5, &out) == 0 &&
		   out.u.damage.d.seq == 5 && out.u.damage.pixels == NULL,
	   "SHM_DAMAGE parsed, without pixels");
	ok(parse(GUI_MSG_SHM_DAMAGE, 1, (uint32_t[]){ 0, 0, 1, 1, 1, 0 }, 6, &out) < 0,
	   "SHM_DAMAGE carrying more than the rectangle");
	ok(parse(GUI_MSG_SHM_DAMAGE, 1, (uint32_t[]){ 0, 0, 0, 1, 1 }, 5, &out) < 0,
	   "SHM_DAMAGE of an empty rectangle");
	ok(parse(GUI_MSG_SHM_OFFER, 0, (uint32_t[]){ 64 * MIB }, 1, &out) < 0,
	   "SHM_OFFER is guid's to send");
}

int main(void)
{
	test_region();
	test_buffer();
	test_damage_span();
	test_parser();
	return tap_done();
}
