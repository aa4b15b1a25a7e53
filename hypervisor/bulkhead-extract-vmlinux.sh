#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bulkhead-extract-vmlinux: the uncompressed kernel (ELF vmlinux) inside a bzImage, for PVH
# direct boot. QEMU then jumps straight to the kernel's 32-bit PVH entry: no real-mode setup
# and, above all, no decompression, which costs the guest ~1.7 s under TCG (docs/vm-boot.md).
# Exits 1 when the kernel cannot boot that way (no CONFIG_PVH, unknown compression).
#
#   bulkhead-extract-vmlinux KERNEL CONFIG OUTPUT
set -eu
kernel=$1 config=$2 output=$3

grep -qx 'CONFIG_PVH=y' "$config" 2>/dev/null || { echo "$kernel: no PVH entry" >&2; exit 1; }

offset() { # offset BYTES: first offset of a byte string in the kernel image
	LC_ALL=C grep -obUaP "$1" "$kernel" | head -n1 | cut -d: -f1
}

tmp="$output.tmp.$$"
trap 'rm -f "$tmp"' EXIT
if off=$(offset '\xfd\x37\x7a\x58\x5a\x00') && [ -n "$off" ]; then
	tail -c +$((off + 1)) "$kernel" 2>/dev/null | xz -dc --single-stream >"$tmp"
elif off=$(offset '\x28\xb5\x2f\xfd') && [ -n "$off" ]; then
	tail -c +$((off + 1)) "$kernel" 2>/dev/null | zstd -qdc >"$tmp" 2>/dev/null || true
elif off=$(offset '\x1f\x8b\x08') && [ -n "$off" ]; then
	tail -c +$((off + 1)) "$kernel" 2>/dev/null | gzip -dc >"$tmp" 2>/dev/null || true
else
	echo "$kernel: unknown compression" >&2
	exit 1
fi
[ "$(head -c 4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ] || { echo "$kernel: no ELF inside" >&2; exit 1; }
mv -f "$tmp" "$output"
