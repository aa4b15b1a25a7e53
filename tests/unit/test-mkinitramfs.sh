#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bulkhead-mkinitramfs on this host's kernel: the init and the modules a VM needs, the NIC's
# apart (loaded only for a VM with a network), and, where the kernel does not enforce module
# signatures, each module exactly its signed file less the signature (docs/vm-boot.md).
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
MK=$BULKHEAD_SOURCE_ROOT/hypervisor/bulkhead-mkinitramfs.sh
INIT=$1
kver=$(ls /lib/modules 2>/dev/null | while read -r v; do
	[ -r "/lib/modules/$v/modules.dep" ] && grep -q '/virtio_blk\.ko' "/lib/modules/$v/modules.dep" && echo "$v"
done | tail -1)
[ -n "$kver" ] || skip_all "no kernel modules with virtio_blk in /lib/modules"
command -v cpio >/dev/null || skip_all "cpio missing"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

sh "$MK" --init "$INIT" --kernel-version "$kver" --output "$T/initramfs.img"
ok $? "generated the initramfs for kernel $kver"
mkdir "$T/x" && (cd "$T/x" && cpio -id --quiet <"$T/initramfs.img")
ok $? "it is a cpio archive"
cmp -s "$INIT" "$T/x/init"
ok $? "/init is the guest init"
ls "$T/x/modules/"*-ext4.ko "$T/x/modules/"*-virtio_blk.ko "$T/x/modules/"*-9p.ko >/dev/null 2>&1
ok $? "ext4, virtio_blk and 9p are loaded at every boot"
ls "$T/x/modules/net/"*-virtio_net.ko >/dev/null 2>&1 && ! ls "$T/x/modules/"*-virtio_net.ko >/dev/null 2>&1
ok $? "virtio_net is among the modules only a VM with a network loads"
! ls "$T/x/modules/"*-overlay.ko >/dev/null 2>&1
ok $? "no overlay module: nothing in the guest uses it"

# Each module against its file in /lib/modules: the same bytes up to where the signature began.
signed=0 stripped=0 same=0
for m in "$T/x/modules/"*.ko "$T/x/modules/net/"*.ko; do
	name=$(basename "$m" .ko)
	name=${name#*-}
	rel=$(grep -E "(^|/)$name\.ko:" "/lib/modules/$kver/modules.dep" | head -n1 | cut -d: -f1)
	orig=/lib/modules/$kver/$rel
	[ -f "$orig" ] || continue
	if [ "$(tail -c 28 "$orig" | head -c 27)" = "~Module signature appended~" ]; then
		signed=$((signed + 1))
		[ "$(tail -c 28 "$m" | head -c 27)" != "~Module signature appended~" ] &&
			[ "$(wc -c <"$m")" -lt "$(wc -c <"$orig")" ] && stripped=$((stripped + 1))
	fi
	cmp -s -n "$(wc -c <"$m")" "$m" "$orig" && same=$((same + 1))
done
total=$(ls "$T/x/modules/"*.ko "$T/x/modules/net/"*.ko | wc -l)
is "$same" "$total" "every module is its host file's bytes (less any signature)"
if [ "$signed" -gt 0 ] && grep -q '^# CONFIG_MODULE_SIG_FORCE is not set' "/boot/config-$kver" 2>/dev/null; then
	is "$stripped" "$signed" "the $signed signed modules lost their signatures (not enforced by $kver)"
else
	is "$stripped" 0 "signatures kept: the kernel enforces them, or its config is unknown"
fi
tap_done
