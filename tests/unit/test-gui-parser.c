/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guid's parser of agent messages, as a table: each row a message a VM might send, and
 * whether guid accepts it or which violation it names. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "parse-agent.h"
#include "tap.h"

#define W(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define MAXW 48

struct row {
	const char *what;
	uint32_t type, id;
	uint32_t words[MAXW]; /* payload as 32-bit words (little-endian on the wire) */
	uint32_t len;	      /* payload bytes */
	const char *why;      /* NULL: accepted */
};

static const struct row rows[] = {
	{ "version", GUI_MSG_VERSION, 0, W(0x10000), 4, NULL },
	{ "any version number parses", GUI_MSG_VERSION, 0, W(0x70003), 4, NULL },
	{ "version for a window", GUI_MSG_VERSION, 5, W(0x10000), 4,
	  "version message for a window" },
	{ "version too short", GUI_MSG_VERSION, 0, W(0), 2, "wrong payload length" },
	{ "create", GUI_MSG_CREATE, 9, W(10, 20, 300, 200, 0, 0), 24, NULL },
	{ "create at negative coordinates", GUI_MSG_CREATE, 9, W(-50, -60, 300, 200, 1, 0), 24,
	  NULL },
	{ "create the largest window", GUI_MSG_CREATE, 9, W(0, 0, 16384, 6144, 0, 0), 24, NULL },
	{ "create too wide", GUI_MSG_CREATE, 9, W(0, 0, 16385, 10, 0, 0), 24,
	  "window size or position out of range" },
	{ "create too tall", GUI_MSG_CREATE, 9, W(0, 0, 10, 6145, 0, 0), 24,
	  "window size or position out of range" },
	{ "create empty", GUI_MSG_CREATE, 9, W(0, 0, 0, 10, 0, 0), 24,
	  "window size or position out of range" },
	{ "create far off", GUI_MSG_CREATE, 9, W(40000, 0, 10, 10, 0, 0), 24,
	  "window size or position out of range" },
	{ "create with bad flags", GUI_MSG_CREATE, 9, W(0, 0, 10, 10, 2, 0), 24,
	  "bad create flags" },
	{ "create with a parent", GUI_MSG_CREATE, 9, W(0, 0, 10, 10, 0, 4), 24,
	  "bad create flags" },
	{ "create for window 0", GUI_MSG_CREATE, 0, W(0, 0, 10, 10, 0, 0), 24, "window id 0" },
	{ "create one byte long", GUI_MSG_CREATE, 9, W(0, 0, 10, 10, 0, 0), 25,
	  "wrong payload length" },
	{ "destroy", GUI_MSG_DESTROY, 9, W(0), 0, NULL },
	{ "destroy with a payload", GUI_MSG_DESTROY, 9, W(0), 4, "wrong payload length" },
	{ "unmap", GUI_MSG_UNMAP, 9, W(0), 0, NULL },
	{ "map", GUI_MSG_MAP, 9, W(3, 1), 8, NULL },
	{ "map short", GUI_MSG_MAP, 9, W(3), 4, "wrong payload length" },
	{ "map with bad flags", GUI_MSG_MAP, 9, W(3, 7), 8, "bad map flags" },
	{ "configure", GUI_MSG_CONFIGURE, 9, W(1, 2, 3, 4, 0), 20, NULL },
	{ "configure to zero height", GUI_MSG_CONFIGURE, 9, W(1, 2, 3, 0, 0), 20,
	  "window size or position out of range" },
	{ "hints", GUI_MSG_HINTS, 9, W(15, 10, 10, 800, 600, 6, 13, 4, 4), 36, NULL },
	{ "hints with unknown flags", GUI_MSG_HINTS, 9, W(16), 36, "unknown size hint flags" },
	{ "hints too large", GUI_MSG_HINTS, 9, W(2, 0, 0, 20000, 10), 36,
	  "size hint out of range" },
	{ "flags", GUI_MSG_FLAGS, 9, W(1, 6), 8, NULL },
	{ "unknown flags", GUI_MSG_FLAGS, 9, W(8, 0), 8, "unknown window flags" },
	{ "a flag set and unset", GUI_MSG_FLAGS, 9, W(1, 1), 8, "a flag both set and unset" },
	{ "default cursor for the VM", GUI_MSG_CURSOR, 0, W(0xffffffff), 4, NULL },
	{ "xterm cursor", GUI_MSG_CURSOR, 9, W(152), 4, NULL },
	{ "odd cursor glyph (a mask)", GUI_MSG_CURSOR, 0, W(69), 4, "unknown cursor shape" },
	{ "cursor past the font", GUI_MSG_CURSOR, 0, W(154), 4, "unknown cursor shape" },
	{ "damage 2x2", GUI_MSG_DAMAGE, 9, W(5, 6, 2, 2, 1, 0, 0, 0, 0), 36, NULL },
	{ "damage with too few pixels", GUI_MSG_DAMAGE, 9, W(5, 6, 2, 2, 1, 0, 0, 0), 32,
	  "damage length is not w*h*4" },
	{ "damage with too many pixels", GUI_MSG_DAMAGE, 9, W(5, 6, 2, 2, 1, 0, 0, 0, 0, 0), 40,
	  "damage length is not w*h*4" },
	{ "damage of the largest window, no pixels", GUI_MSG_DAMAGE, 9, W(0, 0, 16384, 6144, 1), 20,
	  "damage length is not w*h*4" },
	{ "damage far off", GUI_MSG_DAMAGE, 9, W(16384, 0, 1, 1, 1, 0), 24,
	  "damage rectangle out of range" },
	{ "empty damage", GUI_MSG_DAMAGE, 9, W(0, 0, 0, 1, 1), 20,
	  "damage rectangle out of range" },
	{ "damage without a header", GUI_MSG_DAMAGE, 9, W(0, 0), 8, "damage message too short" },
	{ "damage over 8 MiB of pixels", GUI_MSG_DAMAGE, 9, W(0, 0, 2048, 1025, 1),
	  20 + 2048 * 1025 * 4, "damage over 8 MiB of pixels" },
	{ "clipboard text", GUI_MSG_CLIPBOARD_DATA, 0, W(1, 0, 0x64636261), 11, NULL },
	{ "clipboard image", GUI_MSG_CLIPBOARD_DATA, 0, W(2, 0, 0x474e5089), 12, NULL },
	{ "empty clipboard", GUI_MSG_CLIPBOARD_DATA, 0, W(0, 0), 8, NULL },
	{ "clipboard over the fetch limit", GUI_MSG_CLIPBOARD_DATA, 0, W(3, 0), 8, NULL },
	{ "clipboard of the hard cap", GUI_MSG_CLIPBOARD_DATA, 0, W(1, 0), 8 + GUI_CLIPBOARD_MAX,
	  NULL },
	{ "clipboard over the hard cap", GUI_MSG_CLIPBOARD_DATA, 0, W(1, 0),
	  8 + GUI_CLIPBOARD_MAX + 1, "clipboard data over the hard cap" },
	{ "empty clipboard with data", GUI_MSG_CLIPBOARD_DATA, 0, W(0, 0, 1), 12,
	  "clipboard data without a type" },
	{ "too-large clipboard with data", GUI_MSG_CLIPBOARD_DATA, 0, W(3, 0, 1), 9,
	  "clipboard data without a type" },
	{ "unknown clipboard type", GUI_MSG_CLIPBOARD_DATA, 0, W(4, 0), 8,
	  "unknown clipboard type" },
	{ "clipboard with reserved bits", GUI_MSG_CLIPBOARD_DATA, 0, W(1, 1), 8,
	  "unknown clipboard type" },
	{ "clipboard for a window", GUI_MSG_CLIPBOARD_DATA, 5, W(1, 0), 8,
	  "clipboard message for a window" },
	{ "clipboard without its header", GUI_MSG_CLIPBOARD_DATA, 0, W(1), 4,
	  "clipboard message too short" },
	{ "the daemon's clipboard request from the agent", GUI_MSG_CLIPBOARD_REQUEST, 0, W(16), 4,
	  "unknown message type" },
	{ "the daemon's paste from the agent", GUI_MSG_CLIPBOARD_PASTE, 0, W(1, 0), 8,
	  "unknown message type" },
	{ "type 0", 0, 1, W(0), 0, "unknown message type" },
	{ "the daemon's hello from the agent", GUI_MSG_HELLO, 0, W(0, 0, 0), 12,
	  "unknown message type" },
	{ "an ack from the agent", GUI_MSG_ACK, 1, W(1), 4, "unknown message type" },
	{ "type 999", 999, 1, W(0), 1, "unknown message type" },
	{ "type 2^32-1", UINT32_MAX, 1, W(0), 0, "unknown message type" },
};

static int parse_row(const struct row *row, struct gui_agent_msg *out, const char **why)
{
	static uint32_t le[MAXW];

	for (size_t i = 0; i < MAXW; i++)
		le[i] = htole32(row->words[i]);
	struct msg m = { row->type, row->id, row->len, (const uint8_t *)le };
	return gui_parse_agent_msg(&m, out, why);
}

static void test_table(void)
{
	static struct gui_agent_msg out;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *why;
		int r = parse_row(&rows[i], &out, &why);
		if (!rows[i].why)
			ok(r == 0 && out.type == rows[i].type && out.id == rows[i].id,
			   "accepted: %s", rows[i].what);
		else
			ok(r == -EPROTO && why && strcmp(why, rows[i].why) == 0, "refused: %s (%s)",
			   rows[i].what, why ? why : "accepted");
	}
}

static int parse_bytes(uint32_t type, const void *p, uint32_t len, struct gui_agent_msg *out)
{
	const char *why;
	struct msg m = { type, 3, len, p };
	return gui_parse_agent_msg(&m, out, &why);
}

static void test_text(void)
{
	static struct gui_agent_msg out;
	static char buf[GUI_TITLE_MAX + 1];
	struct gui_class c;

	is_int(parse_bytes(GUI_MSG_TITLE, "Inbox \xe2\x80\x94 Mail", 14, &out), 0, "a title");
	is_str(out.u.title, "Inbox \xe2\x80\x94 Mail", "kept as it was");
	is_int(parse_bytes(GUI_MSG_TITLE, "a\nb", 3, &out), 0, "a title with a newline");
	is_str(out.u.title,
	       "a\xef\xbf\xbd"
	       "b",
	       "is sanitised, not refused");
	is_int(parse_bytes(GUI_MSG_TITLE, "", 0, &out), -EPROTO, "an empty title is refused");
	memset(buf, 'x', sizeof(buf));
	is_int(parse_bytes(GUI_MSG_TITLE, buf, GUI_TITLE_MAX, &out), 0, "a 512-byte title");
	is_int(parse_bytes(GUI_MSG_TITLE, buf, GUI_TITLE_MAX + 1, &out), -EPROTO,
	       "a 513-byte title is refused");

	memset(&c, 0, sizeof(c));
	strcpy(c.res_class, "XTerm");
	strcpy(c.res_name, "x\x1b\x7f");
	is_int(parse_bytes(GUI_MSG_CLASS, &c, sizeof(c), &out), 0, "a class");
	ok(strcmp(out.u.cls.res_class, "XTerm") == 0 && strcmp(out.u.cls.res_name, "x__") == 0,
	   "class names keep printable ASCII only");
	memset(c.res_name, 'a', sizeof(c.res_name));
	is_int(parse_bytes(GUI_MSG_CLASS, &c, sizeof(c), &out), -EPROTO,
	       "an unterminated class name is refused");
}

int main(void)
{
	test_table();
	test_text();
	return tap_done();
}
