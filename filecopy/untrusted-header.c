/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver's parser: one stream header, the name after it, a symlink's target.
 *
 * Trust: every byte here comes from the sending VM, which may be hostile. Nothing in this file
 * touches the filesystem or keeps state, so it is fuzzed on its own (tests/fuzz/
 * fuzz-filecopy-receive.c) and each rule of FILECOPY.md is one visible check below. Values
 * keep their untrusted_ names until the check that validates them has passed; the receiver
 * acts only on the validated copies these functions hand back.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "unaligned.h"
#include "filecopy.h"
#include "strutil.h"

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The type and size rules for each kind of entry. */
static int check_type_and_size(uint32_t untrusted_mode, uint64_t untrusted_filelen)
{
	uint32_t type = untrusted_mode & S_IFMT;

	if (untrusted_mode & ~(uint32_t)(S_IFMT | 07777))
		return -EINVAL;
	if (type == S_IFDIR)
		return untrusted_filelen == 0 ? 0 : -EINVAL;
	if (type == S_IFLNK) {
		if (untrusted_filelen == 0)
			return -ENOLINK;
		return untrusted_filelen < FILECOPY_PATH_MAX ? 0 : -ENAMETOOLONG;
	}
	/* FIFOs, sockets, devices, and modes with no type at all. */
	return type == S_IFREG ? 0 : -EINVAL;
}

int filecopy_header_parse(const void *untrusted_raw, struct filecopy_header *ret)
{
	const uint8_t *raw = untrusted_raw;
	uint32_t untrusted_namelen = unaligned_read_le32(raw),
		 untrusted_mode = unaligned_read_le32(raw + 4);
	uint64_t untrusted_filelen = unaligned_read_le64(raw + 8);
	uint32_t untrusted_atime_nsec = unaligned_read_le32(raw + 20),
		 untrusted_mtime_nsec = unaligned_read_le32(raw + 28);
	int r;

	if (untrusted_namelen == 0)
		return all_zero(raw, sizeof(struct filecopy_file_header)) ? 1 : -EINVAL;
	if (untrusted_namelen > FILECOPY_PATH_MAX)
		return -ENAMETOOLONG;
	r = check_type_and_size(untrusted_mode, untrusted_filelen);
	if (r < 0)
		return r;
	if (untrusted_atime_nsec > 999999999 || untrusted_mtime_nsec > 999999999)
		return -EINVAL;

	*ret = (struct filecopy_header){
		.namelen = untrusted_namelen,
		.type = untrusted_mode & S_IFMT,
		.perm = untrusted_mode & 0777, /* setuid, setgid and sticky dropped here */
		.filelen = untrusted_filelen,
		.atime = { .tv_sec = unaligned_read_le32(raw + 16),
			   .tv_nsec = untrusted_atime_nsec },
		.mtime = { .tv_sec = unaligned_read_le32(raw + 24),
			   .tv_nsec = untrusted_mtime_nsec },
	};
	return 0;
}

/* Printable ASCII, or UTF-8 of an allow-listed code point; never '\0'. */
static bool chars_valid(const uint8_t *untrusted, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(untrusted + i, len - i, &cp);
		if (n < 0 || !filecopy_codepoint_is_safe(cp))
			return false;
		i += (size_t)n;
	}
	return true;
}

/* A relative path of one or more components, none empty (no leading, doubled or trailing
 * '/'), "." or "..", none over 255 bytes. */
static int path_valid(const char *untrusted, size_t len)
{
	size_t start = 0;

	if (len == 0)
		return -EILSEQ;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && untrusted[i] != '/')
			continue;
		size_t n = i - start;
		const char *c = untrusted + start;
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return -EILSEQ;
		if (n > FILECOPY_NAME_MAX)
			return -ENAMETOOLONG;
		start = i + 1;
	}
	return 0;
}

int filecopy_name_parse(const struct filecopy_header *h, const void *untrusted_name,
			char name[static FILECOPY_PATH_MAX])
{
	const char *untrusted = untrusted_name;
	size_t len = h->namelen - 1; /* header parse guaranteed 1 <= namelen <= PATH_MAX */
	int r;

	if (untrusted[len] != '\0' || mem_has_nul(untrusted, len))
		return -EILSEQ;
	r = path_valid(untrusted, len);
	if (r < 0)
		return r;
	if (!chars_valid((const uint8_t *)untrusted, len))
		return -EILSEQ;
	memcpy(name, untrusted, len + 1);
	return 0;
}

int filecopy_leaf_name_parse(const void *untrusted_name, size_t len,
			     char name[static FILECOPY_NAME_MAX + 1])
{
	const char *untrusted = untrusted_name;

	if (len > FILECOPY_NAME_MAX)
		return -ENAMETOOLONG;
	/* One component: path_valid() below then refuses "", "." and "..". */
	if (memchr(untrusted, '/', len) || mem_has_nul(untrusted, len))
		return -EILSEQ;
	if (path_valid(untrusted, len) < 0 || !chars_valid((const uint8_t *)untrusted, len))
		return -EILSEQ;
	memcpy(name, untrusted, len);
	name[len] = '\0';
	return 0;
}

static bool is_dotdot(const char *c, size_t n)
{
	return n == 2 && c[0] == '.' && c[1] == '.';
}

/* How many leading ".." the target has, or -1 if it breaks a rule: no empty or "."
 * components, ".." only as a leading run, components of at most 255 bytes. */
static int count_leading_dotdot(const char *untrusted, size_t len)
{
	size_t start = 0;
	int up = 0;
	bool past_run = false;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && untrusted[i] != '/')
			continue;
		size_t n = i - start;
		const char *c = untrusted + start;
		if (n == 0 || n > FILECOPY_NAME_MAX || (n == 1 && c[0] == '.'))
			return -1;
		if (is_dotdot(c, n)) {
			if (past_run)
				return -1;
			up++;
		} else {
			past_run = true;
		}
		start = i + 1;
	}
	return up;
}

int filecopy_symlink_parse(const char *name, const void *untrusted_target, size_t len,
			   char target[static FILECOPY_PATH_MAX])
{
	const char *untrusted = untrusted_target;
	/* The link's directory is `depth` levels below the incoming folder. */
	int depth = 0, up;

	for (const char *p = name; *p; p++)
		depth += *p == '/';
	/* Never at the top level: there it could only point beside or above the copy. */
	if (depth == 0 || len == 0 || len >= FILECOPY_PATH_MAX)
		return -ENOLINK;
	if (untrusted[0] == '/' || mem_has_nul(untrusted, len))
		return -ENOLINK;
	if (!chars_valid((const uint8_t *)untrusted, len))
		return -ENOLINK;
	up = count_leading_dotdot(untrusted, len);
	/* Climbing `up` levels must leave us inside the first-level directory (depth >= 1). */
	if (up < 0 || up > depth - 1)
		return -ENOLINK;
	memcpy(target, untrusted, len);
	target[len] = '\0';
	return 0;
}
