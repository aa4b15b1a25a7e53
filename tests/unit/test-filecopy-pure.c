/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure layers of filecopy: CRC, the name allow-list, the header/name/symlink parsers,
 * the reply parser, limits configuration, error sentences, the progress line. */
#include "test-filecopy-util.h"
#include "tap.h"

static void test_crc(void)
{
	static uint8_t big[100003];
	uint32_t whole, parts = 0;

	is_int(filecopy_crc32(0, "123456789", 9), 0xcbf43926, "CRC-32 check value of 123456789");
	is_int(filecopy_crc32(0, "", 0), 0, "CRC-32 of nothing is 0");
	is_int(filecopy_crc32(0, "a", 1), 0xe8b7be43, "CRC-32 of 'a' (zlib)");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 131 + (i >> 7));
	whole = filecopy_crc32(0, big, sizeof(big));
	/* Uneven pieces at every alignment must chain to the same value. */
	for (size_t off = 0; off < sizeof(big);) {
		size_t n = MIN((size_t)(1 + off % 13 * 977), sizeof(big) - off);
		parts = filecopy_crc32(parts, big + off, n);
		off += n;
	}
	is_int(parts, whole, "chained CRC over uneven pieces equals the one-shot CRC");
	static uint8_t copy[4096];
	memcpy(copy, big + 1, sizeof(copy));
	is_int(filecopy_crc32(0, big + 1, 4096), filecopy_crc32(0, copy, 4096),
	       "unaligned start gives the same CRC");
	/* The carry-less multiplication path (where the CPU has it) against the tables. */
	bool same = true;
	for (size_t len = 0; len < 600; len += 7) {
		for (size_t off = 0; off < 16; off += 5) {
			uint32_t fast = filecopy_crc32(0x1234567, big + off, len);
			filecopy_crc32_force_table(true);
			same &= fast == filecopy_crc32(0x1234567, big + off, len);
			filecopy_crc32_force_table(false);
		}
	}
	ok(same, "the fast CRC path equals the table path for every length and alignment");
	filecopy_crc32_force_table(true);
	is_int(filecopy_crc32(0, big, sizeof(big)), whole, "  and over 100 KB");
	filecopy_crc32_force_table(false);
}

struct name_case {
	const char *name;
	int want;
};

static void test_names(void)
{
	static const struct name_case cases[] = {
		{ "a.txt", 0 },
		{ "dir/sub/file name with spaces (1).tar.gz", 0 },
		{ "Ünïcödé/日本語/файл/ملف/फ़ाइल/한국어/Ελληνικά", 0 },
		{ "e\xcc\x81t\xc3\xa9", 0 }, /* é decomposed, é composed */
		{ "\xe2\x82\xac 100", 0 },   /* € */
		{ "-leading-dash", 0 },
		{ ".hidden", 0 },
		{ "...", 0 },
		{ "", -EILSEQ },
		{ "/etc/passwd", -EILSEQ },
		{ "..", -EILSEQ },
		{ ".", -EILSEQ },
		{ "a/../b", -EILSEQ },
		{ "a/./b", -EILSEQ },
		{ "a/..", -EILSEQ },
		{ "a//b", -EILSEQ },
		{ "a/", -EILSEQ },
		{ "tab\there", -EILSEQ },
		{ "new\nline", -EILSEQ },
		{ "esc\x1b[31m", -EILSEQ },
		{ "del\x7f", -EILSEQ },
		{ "c1\xc2\x85", -EILSEQ },	       /* U+0085 NEL */
		{ "csi\xc2\x9b", -EILSEQ },	       /* U+009B */
		{ "rlo\xe2\x80\xaegpj.exe", -EILSEQ }, /* U+202E */
		{ "lri\xe2\x81\xa6", -EILSEQ },	       /* U+2066 */
		{ "rlm\xe2\x80\x8f", -EILSEQ },	       /* U+200F */
		{ "alm\xd8\x9c", -EILSEQ },	       /* U+061C */
		{ "zwj\xe2\x80\x8d", -EILSEQ },	       /* U+200D */
		{ "zwsp\xe2\x80\x8b", -EILSEQ },       /* U+200B */
		{ "bom\xef\xbb\xbf", -EILSEQ },	       /* U+FEFF */
		{ "wj\xe2\x81\xa0", -EILSEQ },	       /* U+2060 */
		{ "nbsp\xc2\xa0", -EILSEQ },	       /* U+00A0 */
		{ "shy\xc2\xad", -EILSEQ },	       /* U+00AD */
		{ "emsp\xe2\x80\x83", -EILSEQ },       /* U+2003 */
		{ "idsp\xe3\x80\x80", -EILSEQ },       /* U+3000 */
		{ "ls\xe2\x80\xa8", -EILSEQ },	       /* U+2028 */
		{ "filler\xe3\x85\xa4", -EILSEQ },     /* U+3164 */
		{ "pua\xee\x80\x80", -EILSEQ },	       /* U+E000 */
		{ "pua\xf3\xb0\x80\x80", -EILSEQ },    /* U+F0000 */
		{ "nc\xef\xb7\x90", -EILSEQ },	       /* U+FDD0 */
		{ "nc\xef\xbf\xbe", -EILSEQ },	       /* U+FFFE */
		{ "sur\xed\xa0\x80", -EILSEQ },	       /* U+D800 */
		{ "emoji\xf0\x9f\x98\x80", -EILSEQ },  /* U+1F600 */
		{ "vs\xef\xb8\x8f", -EILSEQ },	       /* U+FE0F */
		{ "tag\xf3\xa0\x80\x81", -EILSEQ },    /* U+E0001 */
		{ "slash\xef\xbc\x8f", -EILSEQ },      /* U+FF0F */
		{ "frac\xe2\x81\x84", -EILSEQ },       /* U+2044 */
		{ "cgj\xcd\x8f", -EILSEQ },	       /* U+034F */
		{ "bad\xff", -EILSEQ },
		{ "overlong\xc0\xaf", -EILSEQ },
		{ "trunc\xe6\x97", -EILSEQ },
	};
	char name[FILECOPY_PATH_MAX];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct filecopy_header h = { .namelen = (uint32_t)strlen(cases[i].name) + 1 };
		char esc[256];
		str_escape(esc, sizeof(esc), cases[i].name, strlen(cases[i].name));
		is_int(filecopy_name_parse(&h, cases[i].name, name), cases[i].want, "name \"%s\"",
		       esc);
	}
}

static void test_name_lengths(void)
{
	char buf[5000], name[FILECOPY_PATH_MAX];
	struct filecopy_header h;

	memset(buf, 'a', 255);
	buf[255] = '\0';
	h.namelen = 256;
	is_int(filecopy_name_parse(&h, buf, name), 0, "a 255-byte component is fine");
	memset(buf, 'a', 256);
	buf[256] = '\0';
	h.namelen = 257;
	is_int(filecopy_name_parse(&h, buf, name), -ENAMETOOLONG, "a 256-byte component is not");
	for (int i = 0; i < 4095; i++)
		buf[i] = (i % 100 == 99) ? '/' : 'b';
	buf[4095] = '\0';
	h.namelen = 4096;
	is_int(filecopy_name_parse(&h, buf, name), 0, "a 4095-byte path is fine");
	h.namelen = 4;
	is_int(filecopy_name_parse(&h, "a\0b", name), -EILSEQ, "an embedded NUL is refused");
	is_int(filecopy_name_parse(&h, "abcd", name), -EILSEQ, "a missing final NUL is refused");
}

static int parse_hdr(uint32_t namelen, uint32_t mode, uint64_t filelen, uint32_t ansec,
		     uint32_t mnsec, struct filecopy_header *h)
{
	struct sb b = { 0 };
	int r;

	sb_hdr(&b, namelen, mode, filelen, ansec, mnsec);
	r = filecopy_header_parse(b.buf, h);
	sb_free(&b);
	return r;
}

static void test_headers(void)
{
	struct filecopy_header h;
	uint8_t zero[32] = { 0 };

	is_int(parse_hdr(5, S_IFREG | 0644, 10, 0, 0, &h), 0, "a regular file header");
	is_int(h.perm, 0644, "  its permissions");
	is_int(h.atime.tv_sec, 1600000000, "  its atime");
	is_int(parse_hdr(5, S_IFREG | 06755, 0, 0, 0, &h), 0, "setuid+setgid file accepted");
	is_int(h.perm, 0755, "  with setuid and setgid dropped");
	is_int(parse_hdr(5, S_IFDIR | 01777, 0, 0, 0, &h), 0, "sticky directory accepted");
	is_int(h.perm, 0777, "  with the sticky bit dropped");
	is_int(parse_hdr(5, S_IFREG, 0, 999999999, 999999999, &h), 0, "nsec 999999999 is fine");
	is_int(parse_hdr(5, S_IFREG, 0, 1000000000, 0, &h), -EINVAL, "atime nsec 1e9 -> EINVAL");
	is_int(parse_hdr(5, S_IFREG, 0, 0, UINT32_MAX, &h), -EINVAL, "mtime nsec 2^32-1 -> EINVAL");
	is_int(parse_hdr(5, S_IFIFO | 0644, 0, 0, 0, &h), -EINVAL, "FIFO -> EINVAL");
	is_int(parse_hdr(5, S_IFCHR | 0644, 0, 0, 0, &h), -EINVAL, "char device -> EINVAL");
	is_int(parse_hdr(5, S_IFBLK | 0644, 0, 0, 0, &h), -EINVAL, "block device -> EINVAL");
	is_int(parse_hdr(5, S_IFSOCK | 0644, 0, 0, 0, &h), -EINVAL, "socket -> EINVAL");
	is_int(parse_hdr(5, 0644, 0, 0, 0, &h), -EINVAL, "no type -> EINVAL");
	is_int(parse_hdr(5, 0x10000 | S_IFREG, 0, 0, 0, &h), -EINVAL,
	       "bits above the type -> EINVAL");
	is_int(parse_hdr(5, S_IFDIR | 0755, 1, 0, 0, &h), -EINVAL,
	       "directory with a length -> EINVAL");
	is_int(parse_hdr(5, S_IFLNK | 0777, 0, 0, 0, &h), -ENOLINK, "empty link target -> ENOLINK");
	is_int(parse_hdr(5, S_IFLNK | 0777, 4096, 0, 0, &h), -ENAMETOOLONG,
	       "4096-byte link target -> ENAMETOOLONG");
	is_int(parse_hdr(4097, S_IFREG, 0, 0, 0, &h), -ENAMETOOLONG,
	       "namelen 4097 -> ENAMETOOLONG");
	is_int(parse_hdr(UINT32_MAX, S_IFREG, 0, 0, 0, &h), -ENAMETOOLONG, "namelen 2^32-1");
	is_int(filecopy_header_parse(zero, &h), 1, "all zeros is the end marker");
	zero[9] = 1;
	is_int(filecopy_header_parse(zero, &h), -EINVAL, "namelen 0 with other fields -> EINVAL");
}

struct link_case {
	const char *name, *target;
	int want;
};

static void test_symlinks(void)
{
	static const struct link_case cases[] = {
		{ "d/l", "f", 0 },
		{ "d/l", "sub/f", 0 },
		{ "d/e/l", "../f", 0 },
		{ "d/e/l", "..", 0 },
		{ "d/e/f/l", "../../x/y", 0 },
		{ "d/l", "\xe6\x97\xa5\xe6\x9c\xac", 0 },
		{ "l", "f", -ENOLINK },
		{ "d/l", "/etc/passwd", -ENOLINK },
		{ "d/l", "../f", -ENOLINK },
		{ "d/l", "..", -ENOLINK },
		{ "d/e/l", "../../f", -ENOLINK },
		{ "d/e/l", "../../../../etc", -ENOLINK },
		{ "d/l", "a/../../f", -ENOLINK },
		{ "d/e/l", "a/../f", -ENOLINK },
		{ "d/l", "a/./b", -ENOLINK },
		{ "d/l", ".", -ENOLINK },
		{ "d/l", "a//b", -ENOLINK },
		{ "d/l", "a/", -ENOLINK },
		{ "d/l", "", -ENOLINK },
		{ "d/l", "x\xe2\x80\xae", -ENOLINK },
		{ "d/l", "x\ny", -ENOLINK },
	};
	char out[FILECOPY_PATH_MAX];

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char esc[128];
		str_escape(esc, sizeof(esc), cases[i].target, strlen(cases[i].target));
		is_int(filecopy_symlink_parse(cases[i].name, cases[i].target,
					      strlen(cases[i].target), out),
		       cases[i].want, "link %s -> \"%s\"", cases[i].name, esc);
	}
	is_int(filecopy_symlink_parse("d/l", "a\0b", 3, out), -ENOLINK, "NUL in a target");
}

static void test_reply(void)
{
	uint8_t buf[64 + FILECOPY_PATH_MAX];
	struct filecopy_reply r;
	size_t n = filecopy_reply_encode(buf, EILSEQ, 0x12345678, "bad\xe2\x80\xaename", 10);

	is_int(n, 30, "an encoded reply is 20 bytes + the name");
	is_int(filecopy_reply_parse(buf, n, &r), 0, "it parses");
	is_int(r.error_code, EILSEQ, "  error code");
	is_int(r.crc32, 0x12345678, "  crc");
	ok(r.crc_valid, "  crc fits in 32 bits");
	is_int(r.last_name_len, 10, "  name length");
	is_int(filecopy_reply_parse(buf, 16, &r), 0, "the short 16-byte form parses");
	is_int(r.last_name_len, 0, "  without a name");
	is_int(filecopy_reply_parse(buf, 15, &r), -EBADMSG, "15 bytes is malformed");
	is_int(filecopy_reply_parse(buf, 19, &r), -EBADMSG, "19 bytes is malformed");
	is_int(filecopy_reply_parse(buf, 29, &r), -EBADMSG, "a name shorter than announced");
	is_int(filecopy_reply_parse(buf, 31, &r), -EBADMSG, "trailing bytes");
	buf[16] = 0xff, buf[17] = 0xff, buf[18] = 0, buf[19] = 0;
	is_int(filecopy_reply_parse(buf, 20 + 0xffff, &r), -EBADMSG, "a 64 KiB name is refused");
	filecopy_reply_encode(buf, 0, 0, NULL, 0);
	buf[12] = 1; /* high half of the 64-bit CRC field */
	is_int(filecopy_reply_parse(buf, 20, &r), 0, "a CRC with high bits parses");
	ok(!r.crc_valid, "  but counts as a mismatch");
}

static void test_sanitize(void)
{
	char out[64];

	is_str(filecopy_name_sanitize(out, sizeof(out), "plain.txt", 9), "plain.txt",
	       "plain stays");
	is_str(filecopy_name_sanitize(out, sizeof(out), "\xe6\x97\xa5.txt", 7), "\xe6\x97\xa5.txt",
	       "ideographs stay");
	is_str(filecopy_name_sanitize(out, sizeof(out), "a\x1b[2Jb\xe2\x80\xae\xff", 10),
	       "a?[2Jb??", "escapes, bidi overrides, bad bytes become ?");
	char longname[300];
	memset(longname, 'x', sizeof(longname));
	filecopy_name_sanitize(out, sizeof(out), longname, sizeof(longname));
	is_int(strlen(out), 63, "a long name is cut to fit");
	ok(str_endswith(out, "..."), "  and ends with ...");
}

static void test_limits(void)
{
	struct filecopy_limits l;
	unsigned line = 0;
	uint64_t v;

	filecopy_limits_init(&l);
	is_int(l.max_files, FILECOPY_DEFAULT_MAX_FILES, "default max_files");
	is_int(filecopy_limits_parse(&l, "# limits\nmax_files = 10\n\n max_bytes=2G # two\n",
				     &line),
	       0, "a config parses");
	is_int(l.max_files, 10, "  max_files");
	is_int(l.max_bytes, 2ULL << 30, "  max_bytes with a suffix");
	is_int(filecopy_limits_parse(&l, "max_files = 1\nmax_filez = 2\n", &line), -EINVAL,
	       "an unknown key is an error");
	is_int(line, 2, "  on line 2");
	is_int(filecopy_limits_parse(&l, "max_bytes = lots\n", &line), -EINVAL, "a bad value too");
	is_int(filecopy_parse_size("512KiB", &v), 0, "512KiB");
	is_int(v, 512 * 1024, "  is 524288");
	is_int(filecopy_parse_size("-1", &v), -EINVAL, "negative sizes are refused");
	is_int(filecopy_parse_size("99999999999T", &v), -ERANGE, "overflow is refused");
}

static void test_sentences(void)
{
	static const uint32_t codes[] = {
		EEXIST, EINVAL,	 EILSEQ, ENOLINK,   ENAMETOOLONG, EDQUOT, ENOSPC,
		ENOENT, ENOTDIR, EACCES, EREMOTEIO, ELOOP,	  EIO,	  FILECOPY_ESHORTDATA
	};
	const char *unknown = filecopy_error_sentence(9999);

	for (size_t i = 0; i < ELEMENTSOF(codes); i++)
		ok(filecopy_error_sentence(codes[i]) != unknown &&
			   str_endswith(filecopy_error_sentence(codes[i]), "."),
		   "code %u has its own sentence", codes[i]);
	ok(strstr(filecopy_error_sentence(FILECOPY_ESHORTDATA), "middle of a file") != NULL,
	   "31415926 says the data ended in the middle of a file");
}

static void test_progress_format(void)
{
	char line[256];

	filecopy_progress_format(line, sizeof(line), 80, 512ULL << 20, 1ULL << 30, 2.0);
	diag("%s", line);
	ok(strncmp(line, " 50% [", 6) == 0, "progress line starts with the percentage and bar");
	ok(strstr(line, "512.0 MiB / 1.0 GiB") != NULL, "  shows bytes done / total");
	ok(strstr(line, "256.0 MiB/s") != NULL, "  shows the rate");
	ok(str_endswith(line, "0:02 left"), "  ends with the time left");
	is_int(strlen(line), 79, "  and fills the terminal width but the last column");
	filecopy_progress_format(line, sizeof(line), 30, 0, 100, 0);
	ok(strstr(line, "--:-- left") != NULL && strlen(line) <= 60,
	   "narrow terminal, no rate yet");
}

int main(void)
{
	test_crc();
	test_names();
	test_name_lengths();
	test_headers();
	test_symlinks();
	test_reply();
	test_sanitize();
	test_limits();
	test_sentences();
	test_progress_format();
	return tap_done();
}
