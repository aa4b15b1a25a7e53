/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clipboard.h"
#include "strutil.h"
#include "tap.h"

static struct clipboard_limits limits;

static int check_str(const char *s)
{
	return clipboard_check_text((const uint8_t *)s, strlen(s), &limits);
}

static void test_text(void)
{
	is_int(check_str("Hello, world\n\tindented"), 0, "plain text with tab and newline passes");
	is_int(check_str("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"), 0, "UTF-8 letters pass");
	is_int(check_str("evil\x1b[2J"), -EILSEQ, "an ANSI escape is refused");
	is_int(check_str("a\rb"), -EILSEQ, "a carriage return is refused");
	is_int(clipboard_check_text((const uint8_t *)"a\0b", 3, &limits), -EILSEQ,
	       "an embedded NUL is refused");
	is_int(check_str("\xc2\x9b"
			 "31m"),
	       -EILSEQ, "a C1 control (CSI) is refused");
	is_int(check_str("\xc3\x28"), -EILSEQ, "invalid UTF-8 is refused");
	is_int(check_str("\x7f"), -EILSEQ, "DEL is refused");

	struct clipboard_limits small = limits;
	small.text_max = 4;
	is_int(clipboard_check_text((const uint8_t *)"12345", 5, &small), -EMSGSIZE,
	       "text over the limit: EMSGSIZE");
}

/* A real PNG of w x h made with libpng, so the checks are tried on what applications send. */
static uint8_t *make_png(uint32_t w, uint32_t h, size_t *len)
{
	png_image img = {
		.version = PNG_IMAGE_VERSION, .width = w, .height = h, .format = PNG_FORMAT_RGBA
	};
	uint8_t *pixels = calloc(1, (size_t)w * h * 4);
	png_alloc_size_t size = 0;

	for (size_t i = 0; i < (size_t)w * h * 4; i++)
		pixels[i] = (uint8_t)(i * 31);
	png_image_write_to_memory(&img, NULL, &size, 0, pixels, 0, NULL);
	uint8_t *out = malloc(size);
	png_image_write_to_memory(&img, out, &size, 0, pixels, 0, NULL);
	free(pixels);
	*len = size;
	return out;
}

static void test_png(void)
{
	size_t len;
	uint8_t *png = make_png(64, 48, &len);
	uint32_t w = 0, h = 0;

	is_int(clipboard_check_png_structure(png, len, &limits, &w, &h), 0,
	       "a real PNG's structure");
	ok(w == 64 && h == 48, "  its size is read from IHDR (%ux%u)", w, h);
	is_int(clipboard_check_png_decode(png, len, &limits), 0, "  and it decodes");

	png[len / 2] ^= 0xff;
	is_int(clipboard_check_png_structure(png, len, &limits, &w, &h), -EBADMSG,
	       "a flipped byte breaks a chunk CRC: refused without decoding");
	png[len / 2] ^= 0xff;
	is_int(clipboard_check_png_structure(png, len - 1, &limits, &w, &h), -EBADMSG,
	       "a truncated PNG is refused");
	is_int(clipboard_check_png_structure((const uint8_t *)"GIF89a..", 8, &limits, &w, &h),
	       -EBADMSG, "not a PNG signature: refused");

	struct clipboard_limits tight = limits;
	tight.image_max_pixels = 64 * 47;
	is_int(clipboard_check_png_structure(png, len, &tight, &w, &h), -E2BIG,
	       "more pixels than allowed: E2BIG before any decoding");
	tight = limits;
	tight.image_max = len - 1;
	is_int(clipboard_check_png_decode(png, len, &tight), -EMSGSIZE,
	       "more bytes than allowed: EMSGSIZE");
	free(png);
}

static void test_store(const char *dir)
{
	struct clipboard_entry in = { .source = "work",
				      .type = CLIPBOARD_TEXT,
				      .time_usec = 1234,
				      .len = 5,
				      .data = (uint8_t *)"hello" };
	struct clipboard_entry out = { 0 };

	is_int(clipboard_store_peek(dir, &out), -ENOENT, "an empty store: ENOENT");
	is_int(clipboard_store_put(dir, &in), 0, "put text from work");
	is_int(clipboard_store_peek(dir, &out), 0, "peek");
	ok(streq(out.source, "work") && out.len == 5 && out.type == CLIPBOARD_TEXT &&
		   out.time_usec == 1234 && out.data == NULL,
	   "  peek gives source, size, type and time, not the data");
	is_int(clipboard_store_take(dir, &out), 0, "take");
	ok(out.len == 5 && memcmp(out.data, "hello", 5) == 0, "  take gives the data");
	clipboard_entry_wipe(&out);
	ok(out.data == NULL && out.len == 0, "  wipe frees it");
	is_int(clipboard_store_take(dir, &out), -ENOENT,
	       "a second take finds nothing: the data reached exactly one paste");

	char path[700];
	struct stat st;
	snprintf(path, sizeof(path), "%s/current", dir);
	ok(stat(path, &st) < 0 && errno == ENOENT, "no file with the data is left behind");
	stat(dir, &st);
	is_int(st.st_mode & 0777, 0700, "the store directory is private (0700)");

	is_int(clipboard_store_put(dir, &in), 0, "put again");
	is_int(clipboard_store_clear(dir), 0, "clear");
	is_int(clipboard_store_peek(dir, &out), -ENOENT, "  then it is empty");

	in.source[0] = '-';
	is_int(clipboard_store_put(dir, &in), -EINVAL, "an invalid source name is refused");
}

/* A paste takes only the entry it asked the policy about, not a copy made meanwhile. */
static void test_store_take_if(const char *dir)
{
	struct clipboard_entry in = { .source = "work",
				      .type = CLIPBOARD_TEXT,
				      .time_usec = 1000,
				      .len = 3,
				      .data = (uint8_t *)"old" };
	struct clipboard_entry asked = { 0 }, out = { 0 };

	is_int(clipboard_store_put(dir, &in), 0, "put work's text");
	is_int(clipboard_store_peek(dir, &asked), 0, "peek (what the policy is asked about)");
	in.time_usec = 2000, in.data = (uint8_t *)"new";
	is_int(clipboard_store_put(dir, &in), 0, "a newer copy from the same VM replaces it");
	is_int(clipboard_store_take_if(dir, &asked, &out), -ESTALE, "take_if the old one: ESTALE");
	is_int(clipboard_store_peek(dir, &out), 0, "  and the newer entry is still there");
	is_int(clipboard_store_peek(dir, &asked), 0, "peek again");
	is_int(clipboard_store_take_if(dir, &asked, &out), 0, "take_if the current one");
	ok(out.len == 3 && memcmp(out.data, "new", 3) == 0, "  gives its data");
	clipboard_entry_wipe(&out);
	is_int(clipboard_store_peek(dir, &out), -ENOENT, "  and wipes the store");
}

static void test_limits_env(void)
{
	struct clipboard_limits l;

	setenv("BULKHEAD_CLIPBOARD_TEXT_MAX", "1000", 1);
	is_int(clipboard_limits_from_env(&l), 0, "text limit from the environment");
	is_int(l.text_max, 1000, "  is used");
	setenv("BULKHEAD_CLIPBOARD_TEXT_MAX", "100", 1);
	is_int(clipboard_limits_from_env(&l), -ERANGE, "a limit under 256 bytes is refused");
	setenv("BULKHEAD_CLIPBOARD_TEXT_MAX", "999999999", 1);
	is_int(clipboard_limits_from_env(&l), -ERANGE, "a limit over the hard cap is refused");
	unsetenv("BULKHEAD_CLIPBOARD_TEXT_MAX");
	clipboard_limits_from_env(&l);
	ok(l.text_max == 256 * 1024 && l.image_max == 8 * 1024 * 1024,
	   "defaults: 256 KiB of text, 8 MiB of image");
}

int main(void)
{
	char dir[] = "/tmp/bulkhead-test-clipboard-XXXXXX";
	char store[600];

	clipboard_limits_from_env(&limits);
	test_text();
	test_png();
	ok(mkdtemp(dir) != NULL, "scratch dir");
	snprintf(store, sizeof(store), "%s/run/clipboard", dir);
	test_store(store);
	test_store_take_if(store);
	test_limits_env();
	snprintf(store, sizeof(store), "rm -rf '%s'", dir);
	(void)!system(store);
	return tap_done();
}
