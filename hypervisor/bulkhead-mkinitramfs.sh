#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bulkhead-mkinitramfs: the guest initramfs for one kernel version: Bulkhead's static guest
# init as /init, and the kernel modules a `host`-template VM needs, numbered in load order
# (the init loads /modules/*.ko in file-name order). Uncompressed: under TCG the guest would
# spend longer decompressing than QEMU spends copying.
#
#   bulkhead-mkinitramfs --init FILE --kernel-version VERSION --output FILE [--modules-dir DIR]
set -eu

# Load order measured in PLATFORM.md, then the private volume (ext4 on virtio-blk) and the
# ACPI power button (libvirt's Shutdown); virtio_balloon for free page reporting. Under TCG each
# module costs 10-300 ms to load (docs/vm-boot.md): nothing here that no VM uses.
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
virtio_console virtio_balloon netfs fscache 9pnet 9pnet_virtio 9p crc16 mbcache jbd2 crc32c_generic
ext4 virtio_blk button evdev"
# The NIC of a VM with net nat: in modules/net/, which the init loads only for such a VM (one
# initramfs serves all VMs).
NET_MODULES="failover net_failover virtio_net"

die() { echo "bulkhead-mkinitramfs: $*" >&2; exit 1; }

init= kver= output= moddir=/lib/modules
while [ $# -gt 0 ]; do
	case $1 in
	--init) init=$2; shift 2 ;;
	--kernel-version) kver=$2; shift 2 ;;
	--output) output=$2; shift 2 ;;
	--modules-dir) moddir=$2; shift 2 ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ -n "$init" ] && [ -n "$kver" ] && [ -n "$output" ] || die "usage: --init FILE --kernel-version V --output FILE"
[ -x "$init" ] || die "guest init '$init' is not an executable"
kdir=$moddir/$kver
[ -r "$kdir/modules.dep" ] || die "no modules for kernel $kver in $kdir"

work=$(mktemp -d "$(dirname "$output")/.initramfs.XXXXXX")
trap 'rm -rf "$work" "$work.cpio"' EXIT
mkdir -p "$work/modules/net" "$work/dev" "$work/proc" "$work/sys"
cp "$init" "$work/init"
chmod 0755 "$work/init"

# Whether the guest kernel loads a module without its signature: CONFIG_MODULE_SIG_FORCE unset
# (a guest boots without Secure Boot, so no lockdown forces it either). Unknown: keep them.
unsigned_ok=false
if [ -r "/boot/config-$kver" ] && grep -q '^# CONFIG_MODULE_SIG_FORCE is not set' "/boot/config-$kver"; then
	unsigned_ok=true
fi

# Drop a module's appended signature ([module][signature][12-byte struct, sig_len big-endian at
# offset 8]["~Module signature appended~\n"]). The host took the modules from its own
# /lib/modules when it built this initramfs; the guest kernel hashing each module again to check
# the signature cost ~0.2 s of every boot under TCG (docs/vm-boot.md).
strip_signature() { # strip_signature FILE
	$unsigned_ok || return 0
	[ "$(tail -c 28 "$1" | head -c 27)" = "~Module signature appended~" ] || return 0
	siglen=$(tail -c 40 "$1" | od -An -tu1 -j8 -N4 | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	size=$(wc -c <"$1")
	[ "$siglen" -gt 0 ] && [ "$siglen" -lt "$size" ] || return 0
	head -c $((size - 40 - siglen)) "$1" >"$1.unsigned" && mv -f "$1.unsigned" "$1"
}

# One module: its path from modules.dep (or built in: nothing to do), decompressed if needed.
add_module() { # add_module NAME INDEX [SUBDIR]
	rel=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" "$kdir/modules.dep" | head -n1 | cut -d: -f1) || true
	if [ -z "$rel" ]; then
		grep -qE "(^|/)$1\.ko\$" "$kdir/modules.builtin" 2>/dev/null && return 0
		die "module $1 not found for kernel $kver"
	fi
	dst=$work/modules/${3:+$3/}$(printf '%02d' "$2")-$1.ko
	case $rel in
	*.ko) cp "$kdir/$rel" "$dst" ;;
	*.ko.xz) xz -dc "$kdir/$rel" >"$dst" ;;
	*.ko.zst) zstd -qdc "$kdir/$rel" >"$dst" ;;
	*.ko.gz) gzip -dc "$kdir/$rel" >"$dst" ;;
	*) die "unknown module format: $rel" ;;
	esac
	strip_signature "$dst"
}

i=0
for m in $MODULES; do
	i=$((i + 1))
	add_module "$m" "$i"
done
for m in $NET_MODULES; do
	i=$((i + 1))
	add_module "$m" "$i" net
done

# The host's Debian alternatives (awk, x-www-browser, editor, ...): the guest's /usr has links
# into /etc/alternatives, but the guest's /etc is generated, never the host's. Only links that
# point into the shared /usr (or the merged /bin, /sbin, /lib) are taken; the init copies them.
mkdir -p "$work/alternatives"
for link in /etc/alternatives/*; do
	[ -L "$link" ] || continue
	case $(readlink "$link") in
	/usr/* | /bin/* | /sbin/* | /lib/*) cp -P "$link" "$work/alternatives/" ;;
	esac
done
(cd "$work" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$work.cpio"
mv -f "$work.cpio" "$output"
