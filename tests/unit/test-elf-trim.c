/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vmlinux trim (hypervisor/elf-trim.c) on small ELF files built here: loadable segments
 * lose their zero tails and nothing else changes; files that are not sane ELF64 are refused
 * untouched.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf-trim.h"
#include "macro.h"
#include "tap.h"

#define SEG_A 0x1000 /* "kernel" bytes, then zeros */
#define SEG_B 0x3000 /* all zeros */
#define FILE_SIZE 0x5000

struct image {
	Elf64_Ehdr e;
	Elf64_Phdr ph[3];
};

static struct image image(void)
{
	struct image im = { 0 };

	memcpy(im.e.e_ident, ELFMAG, SELFMAG);
	im.e.e_ident[EI_CLASS] = ELFCLASS64;
	im.e.e_ident[EI_DATA] = ELFDATA2LSB;
	im.e.e_phoff = offsetof(struct image, ph);
	im.e.e_phentsize = sizeof(Elf64_Phdr);
	im.e.e_phnum = 3;
	im.ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = SEG_A, .p_filesz = 0x2000, .p_memsz = 0x2800
	};
	im.ph[1] = (Elf64_Phdr){
		.p_type = PT_NOTE, .p_offset = SEG_B, .p_filesz = 0x100, .p_memsz = 0x100
	};
	im.ph[2] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = SEG_B, .p_filesz = 0x2000, .p_memsz = 0x2000
	};
	return im;
}

/* A memfd holding im, segment A's first 0x1234 bytes non-zero; the rest is zeros. */
static int make_file(const struct image *im)
{
	unsigned char kernel[0x1234];
	int fd = memfd_create("elf", MFD_CLOEXEC);

	memset(kernel, 0x90, sizeof(kernel));
	if (fd < 0 || ftruncate(fd, FILE_SIZE) < 0 || pwrite(fd, im, sizeof(*im), 0) < 0 ||
	    pwrite(fd, kernel, sizeof(kernel), SEG_A) < 0)
		tap_bail_out("memfd");
	return fd;
}

static Elf64_Phdr phdr(int fd, int i)
{
	Elf64_Phdr ph = { 0 };

	if (pread(fd, &ph, sizeof(ph), offsetof(struct image, ph) + i * sizeof(ph)) < 0)
		tap_bail_out("pread");
	return ph;
}

static void test_trim(void)
{
	struct image im = image();
	_cleanup_close_ int fd = make_file(&im);

	is_int(hv_elf_trim_zero_tails(fd), 0, "trimmed");
	ok(phdr(fd, 0).p_filesz == 0x1234 && phdr(fd, 0).p_memsz == 0x2800,
	   "  a segment's file part ends at its last non-zero byte, its memory size stays");
	ok(phdr(fd, 2).p_filesz == 0 && phdr(fd, 2).p_memsz == 0x2000,
	   "  an all-zero segment keeps no file part");
	ok(phdr(fd, 1).p_filesz == 0x100, "  other segments are left alone");
	is_int(hv_elf_trim_zero_tails(fd), 0, "trimming again");
	ok(phdr(fd, 0).p_filesz == 0x1234, "  changes nothing");
}

/* Each broken field refused, and the file left as it was. */
static void test_refused(void)
{
	struct image bad[5];
	const char *what[] = { "not ELF", "32-bit", "a segment past the end of the file",
			       "a file size above the memory size",
			       "program headers past the end" };

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		bad[i] = image();
	bad[0].e.e_ident[1] = 'X';
	bad[1].e.e_ident[EI_CLASS] = ELFCLASS32;
	bad[2].ph[0].p_filesz = FILE_SIZE;
	bad[3].ph[0].p_memsz = 0x10;
	bad[4].e.e_phoff = FILE_SIZE - 8;
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_close_ int fd = make_file(&bad[i]);
		uint64_t before = phdr(fd, 0).p_filesz;

		is_int(hv_elf_trim_zero_tails(fd), -EINVAL, "refused: %s", what[i]);
		ok(phdr(fd, 0).p_filesz == before, "  untouched");
	}
}

int main(void)
{
	test_trim();
	test_refused();
	return tap_done();
}
