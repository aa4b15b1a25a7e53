/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PVH-booted vmlinux without the zeros QEMU would otherwise map (docs/memory.md).
 *
 * QEMU keeps the kernel's ELF file mapped for the VM's whole life (its loadable segments are
 * the "ROM" it copies into guest RAM at each reset), and a segment's file part counts in the
 * QEMU process's memory once read. Debian's vmlinux carries its .bss (17 MiB) and boot
 * scratch space as zeros inside the last segment's file part: 23 of its 26 MiB. A segment's
 * file part may end early: the loader fills the rest, up to its memory size, with zeros.
 */
#pragma once

/* Shorten every loadable segment's file size (p_filesz) of the ELF64 file open read-write on
 * fd to its last non-zero byte; its memory size (p_memsz) stays. The guest sees the same
 * memory. Idempotent. 0 when done or nothing to do, -EINVAL for a file that is not an ELF64
 * little-endian executable with sane headers, -errno on I/O errors. */
int hv_elf_trim_zero_tails(int fd);
