/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guid's title sanitising: what a hostile VM's title may and may not bring to the host. */
#include <string.h>

#include "gui-validate.h"
#include "strutil.h"
#include "tap.h"

#define R "\xef\xbf\xbd" /* U+FFFD */

static const struct {
	const char *in;
	const char *want;
	const char *what;
} cases[] = {
	{ "xterm", "xterm", "plain ASCII passes" },
	{ "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xa7", "Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\xa7",
	  "valid UTF-8 (2, 3 and 4 bytes) passes" },
	{ "a\nb\tc\rd", "a" R "b" R "c" R "d", "newline, tab, CR are replaced" },
	{ "\x1b[31mred", R "[31mred", "an ANSI escape loses its ESC" },
	{ "x\x7fy", "x" R "y", "DEL is replaced" },
	{ "x\xc2\x85y\xc2\x9b", "x" R "y" R, "C1 controls (NEL, CSI) are replaced" },
	{ "\xff\xfe", R R, "bytes that are never UTF-8" },
	{ "\xc0\xaf", R R, "an overlong '/' is two invalid bytes" },
	{ "\xed\xa0\x80", R R R, "a UTF-16 surrogate is invalid" },
	{ "\xf4\x90\x80\x80", R R R R, "past U+10FFFF is invalid" },
	{ "abc\xe2\x82", "abc" R R, "a truncated sequence at the end" },
	{ "\xe2\x80\xae"
	  "exe.txt",
	  R "exe.txt", "RIGHT-TO-LEFT OVERRIDE is replaced" },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", R "x" R, "bidi isolates are replaced" },
	{ "a\xe2\x80\xa8"
	  "b",
	  "a" R "b", "LINE SEPARATOR is replaced" },
	{ "\xef\xbb\xbfhi", R "hi", "a BOM (zero-width) is replaced" },
};

static void test_table(void)
{
	char out[GUI_TITLE_SANE_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		gui_title_sanitise((const uint8_t *)cases[i].in, strlen(cases[i].in), out,
				   sizeof(out));
		is_str(out, cases[i].want, "%s", cases[i].what);
	}
}

static void test_nul_and_bounds(void)
{
	char out[8];
	uint8_t all_bad[GUI_TITLE_MAX];
	char big[GUI_TITLE_SANE_MAX];

	is_int(gui_title_sanitise((const uint8_t *)"a\0b", 3, out, sizeof(out)), 5,
	       "an embedded NUL is a control character");
	is_str(out, "a" R "b", "and is replaced, so the title is not cut short");
	is_int(gui_title_sanitise((const uint8_t *)"abcdefghij", 10, out, sizeof(out)), 7,
	       "output stops at the buffer, NUL included");
	is_int(gui_title_sanitise((const uint8_t *)"abcd\xc3\xa9", 6, out, 6), 4,
	       "never a half character at the cut");
	memset(all_bad, 0xff, sizeof(all_bad));
	is_int(gui_title_sanitise(all_bad, sizeof(all_bad), big, sizeof(big)), GUI_TITLE_MAX * 3,
	       "the worst case fits GUI_TITLE_SANE_MAX");
	ok(utf8_is_valid(big, strlen(big)), "and is valid UTF-8");
	is_int(gui_title_sanitise(all_bad, 4, out, 0), 0, "a zero-size buffer is left alone");
}

int main(void)
{
	test_table();
	test_nul_and_bounds();
	return tap_done();
}
