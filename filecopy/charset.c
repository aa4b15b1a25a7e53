/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which characters a received file name may hold, and how an untrusted name is shown.
 *
 * Trust: everything passed here came from a VM. A name is displayed by file managers, shells
 * and notification pop-ups in the target VM, so beyond printable ASCII only code points that
 * render as visible letters, marks of letters, ideographs and ordinary punctuation are allowed.
 * Left out on purpose: C0/C1 controls, bidi controls (U+202A-U+202E, U+2066-U+2069, LRM/RLM,
 * ALM), zero-width and joiner characters, every space but U+0020, soft hyphen, fillers that
 * render as nothing (Hangul fillers), look-alikes of '/' (U+2044, U+2215, U+FF0F), combining
 * overlays, variation selectors, private use, noncharacters, surrogates, tags and emoji.
 * Unlisted code points are refused: an allow-list fails closed when Unicode grows.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "filecopy.h"
#include "strutil.h"

struct cp_range {
	uint32_t lo, hi;
};

/* Sorted, non-overlapping, inclusive. */
static const struct cp_range allowed[] = {
	{ 0x00a1, 0x00ac },   /* Latin-1 punctuation and signs (not NBSP U+00A0, SHY U+00AD) */
	{ 0x00ae, 0x02ff },   /* Latin-1 letters, Latin Extended-A/B, IPA, modifier letters */
	{ 0x0300, 0x0333 },   /* combining diacritics (decomposed accents), without overlays */
	{ 0x0339, 0x034e },   /* ... and without U+034F COMBINING GRAPHEME JOINER */
	{ 0x0350, 0x036f },   /* */
	{ 0x0370, 0x052f },   /* Greek, Cyrillic */
	{ 0x0531, 0x058a },   /* Armenian */
	{ 0x0591, 0x05f4 },   /* Hebrew */
	{ 0x0606, 0x061b },   /* Arabic (not the number signs U+0600-0605 or ALM U+061C) */
	{ 0x061d, 0x06dc },   /* */
	{ 0x06de, 0x06ff },   /* (not U+06DD, a format character) */
	{ 0x0750, 0x077f },   /* Arabic Supplement */
	{ 0x0900, 0x0dff },   /* Devanagari .. Sinhala */
	{ 0x0e01, 0x0eff },   /* Thai, Lao */
	{ 0x0f00, 0x10ff },   /* Tibetan, Myanmar, Georgian */
	{ 0x1100, 0x115e },   /* Hangul Jamo (not the fillers U+115F, U+1160) */
	{ 0x1161, 0x11ff },   /* */
	{ 0x1200, 0x13ff },   /* Ethiopic, Cherokee */
	{ 0x1780, 0x17b3 },   /* Khmer (not the invisible vowels U+17B4, U+17B5) */
	{ 0x17b6, 0x17dd },   /* */
	{ 0x17e0, 0x17e9 },   /* */
	{ 0x1e00, 0x1fff },   /* Latin Extended Additional (Vietnamese), Greek Extended */
	{ 0x2010, 0x2027 },   /* dashes, quotes, bullets (not U+2028/9 separators) */
	{ 0x2030, 0x2043 },   /* per mille .. (not U+2044 FRACTION SLASH) */
	{ 0x2045, 0x205e },   /* (not U+205F MEDIUM MATHEMATICAL SPACE or U+2060-206F) */
	{ 0x20a0, 0x20c0 },   /* currency signs */
	{ 0x2100, 0x218b },   /* letterlike symbols, number forms */
	{ 0x2e80, 0x2fdf },   /* CJK and Kangxi radicals */
	{ 0x3001, 0x303f },   /* CJK punctuation (not U+3000 IDEOGRAPHIC SPACE) */
	{ 0x3041, 0x30ff },   /* Hiragana, Katakana */
	{ 0x3105, 0x3163 },   /* Bopomofo, Hangul compatibility Jamo (not U+3164 filler) */
	{ 0x3165, 0x318e },   /* */
	{ 0x31a0, 0x31ff },   /* Bopomofo Extended, CJK strokes, Katakana extensions */
	{ 0x3400, 0x4dbf },   /* CJK Extension A */
	{ 0x4e00, 0x9fff },   /* CJK Unified Ideographs */
	{ 0xa000, 0xa4cf },   /* Yi */
	{ 0xac00, 0xd7a3 },   /* Hangul syllables */
	{ 0xf900, 0xfaff },   /* CJK compatibility ideographs */
	{ 0xff01, 0xff0e },   /* fullwidth forms (not U+FF0F FULLWIDTH SOLIDUS) */
	{ 0xff10, 0xff9f },   /* ... halfwidth Katakana (not the Hangul filler U+FFA0) */
	{ 0x20000, 0x2fa1f }, /* CJK Extensions B-F, compatibility supplement */
	{ 0x30000, 0x3134f }, /* CJK Extension G */
};

bool filecopy_codepoint_is_safe(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(allowed) / sizeof(allowed[0]);

	if (cp >= 0x20 && cp < 0x7f)
		return true;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < allowed[mid].lo)
			hi = mid;
		else if (cp > allowed[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

char *filecopy_name_sanitize(char *dst, size_t dstsize, const void *src, size_t len)
{
	const uint8_t *s = src;
	size_t used = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		bool safe = n > 0 && filecopy_codepoint_is_safe(cp);
		size_t need = safe ? (size_t)n : 1;
		/* Keep room for "..." and the NUL in case this is not the last character. */
		if (used + need + 4 > dstsize) {
			memcpy(dst + used, "...", 4);
			return dst;
		}
		if (safe)
			memcpy(dst + used, s + i, need);
		else
			dst[used] = '?';
		used += need;
		i += n > 0 ? (size_t)n : 1;
	}
	dst[used] = '\0';
	return dst;
}
