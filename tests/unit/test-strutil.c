/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"
#include "tap.h"

static void test_copy_and_printf(void)
{
	char buf[8];

	is_int(str_copy(buf, sizeof(buf), "1234567"), 0, "str_copy of 7 into 8 fits");
	is_str(buf, "1234567", "  copied");
	is_int(str_copy(buf, sizeof(buf), "12345678"), -ENAMETOOLONG, "8 into 8 does not fit");
	is_str(buf, "", "  and leaves an empty string, never a truncated one");
	is_int(str_printf(buf, sizeof(buf), "%d-%s", 42, "ab"), 5, "str_printf returns length");
	is_int(str_printf(buf, sizeof(buf), "%s", "too long!"), -ENOBUFS, "overflow: ENOBUFS");
	is_str(buf, "", "  and an empty string");
	char *m = str_from_mem("abcdef", 3);
	is_str(m, "abc", "str_from_mem copies exactly len bytes and terminates them");
	free(m);
	char *s = str_new_printf("%s+%s", "svc", "arg");
	is_str(s, "svc+arg", "str_new_printf");
	free(s);
}

static void test_prefix_suffix(void)
{
	is_str(str_startswith("@tag:work", "@tag:"), "work", "startswith returns the rest");
	ok(str_startswith("@ta", "@tag:") == NULL, "startswith on a shorter string: NULL");
	ok(str_endswith("10-x.policy", ".policy"), "endswith");
	ok(!str_endswith("policy", ".policy"), "endswith on a shorter string");
	ok(streq_ptr(NULL, NULL) && !streq_ptr("a", NULL), "streq_ptr handles NULL");
	ok(mem_has_nul("ab\0c", 4) && !mem_has_nul("abcd", 4), "mem_has_nul");
}

static void test_utf8(void)
{
	ok(utf8_is_valid("plain", 5), "ASCII is UTF-8");
	ok(utf8_is_valid("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", 14), "2, 3, 4-byte forms");
	ok(!utf8_is_valid("\xc0\xaf", 2), "overlong '/' refused");
	ok(!utf8_is_valid("\xed\xa0\x80", 3), "surrogate U+D800 refused");
	ok(!utf8_is_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF refused");
	ok(!utf8_is_valid("\xe6\x97", 2), "truncated sequence refused");
	ok(!utf8_is_valid("\xff", 1), "0xff refused");
}

static void test_escape(void)
{
	char buf[16];

	is_str(str_escape(buf, sizeof(buf), "a\nb\x1b[", 5), "a\\nb\\x1b[", "controls escaped");
	is_str(str_escape(buf, sizeof(buf), "0123456789abcdefghij", 20), "0123456789ab...",
	       "long input truncated with ...");
	ok(strlen(buf) < sizeof(buf), "  and within the buffer");
	is_str(str_escape(buf, sizeof(buf), "\xff\xff\xff\xff", 4), "\\xff\\xff\\xff...",
	       "escapes never cut in the middle");
	is_str(str_escape(buf, sizeof(buf), "", 0), "", "empty input");
}

int main(void)
{
	test_copy_and_printf();
	test_prefix_suffix();
	test_utf8();
	test_escape();
	return tap_done();
}
