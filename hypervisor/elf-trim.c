/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trims the zero tails of an ELF64 file's loadable segments (elf-trim.h says why).
 *
 * Trust: the file is the host's own kernel, extracted from /boot; no VM writes it. It is
 * still read with every offset and size checked against the file's size, and only the
 * program headers' p_filesz is ever written.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-trim.h"
#include "macro.h"

#define PHNUM_MAX 64
#define SCAN_CHUNK (64 * 1024)

static int pread_all(int fd, void *buf, size_t size, off_t offset)
{
	ssize_t n = pread(fd, buf, size, offset);

	if (n < 0)
		return -errno;
	return (size_t)n == size ? 0 : -EINVAL;
}

static bool ehdr_is_valid(const Elf64_Ehdr *e, off_t file_size)
{
	return memcmp(e->e_ident, ELFMAG, SELFMAG) == 0 && e->e_ident[EI_CLASS] == ELFCLASS64 &&
	       e->e_ident[EI_DATA] == ELFDATA2LSB && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&
	       e->e_phentsize == sizeof(Elf64_Phdr) && e->e_phnum <= PHNUM_MAX &&
	       e->e_phoff <= (uint64_t)file_size &&
	       e->e_phnum * sizeof(Elf64_Phdr) <= (uint64_t)file_size - e->e_phoff;
}

/* The length of [offset, offset + size) up to and including its last non-zero byte. */
static int nonzero_length(int fd, uint64_t offset, uint64_t size, uint64_t *ret)
{
	unsigned char buf[SCAN_CHUNK];

	while (size > 0) {
		size_t n = (size_t)MIN(size, (uint64_t)SCAN_CHUNK);
		int r = pread_all(fd, buf, n, (off_t)(offset + size - n));

		if (r < 0)
			return r;
		while (n > 0 && buf[n - 1] == 0)
			n--, size--;
		if (n > 0)
			break;
	}
	*ret = size;
	return 0;
}

static int trim_one(int fd, off_t file_size, off_t at)
{
	Elf64_Phdr ph;
	uint64_t len;
	int r = pread_all(fd, &ph, sizeof(ph), at);

	if (r < 0 || ph.p_type != PT_LOAD || ph.p_filesz == 0)
		return r;
	if (ph.p_offset > (uint64_t)file_size || ph.p_filesz > (uint64_t)file_size - ph.p_offset ||
	    ph.p_filesz > ph.p_memsz)
		return -EINVAL;
	r = nonzero_length(fd, ph.p_offset, ph.p_filesz, &len);
	if (r < 0 || len == ph.p_filesz)
		return r;
	ph.p_filesz = len;
	if (pwrite(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
		return -EIO;
	return 0;
}

int hv_elf_trim_zero_tails(int fd)
{
	Elf64_Ehdr e;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	r = pread_all(fd, &e, sizeof(e), 0);
	if (r < 0 || !ehdr_is_valid(&e, st.st_size))
		return r < 0 ? r : -EINVAL;
	for (unsigned i = 0; i < e.e_phnum; i++) {
		r = trim_one(fd, st.st_size, (off_t)(e.e_phoff + i * sizeof(Elf64_Phdr)));
		if (r < 0)
			return r;
	}
	return 0;
}
