#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A running VM is backed up from a consistent copy that libvirt makes while it runs (a
# push-mode backup job): the VM keeps running, nothing is left behind (no copy, no snapshot
# or checkpoint metadata, its disk chain unchanged), and the restored VM boots with the file
# written before the backup. Two real VMs boot (TCG), one after the other.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"

"$VMCTL" create work && "$VMCTL" create personal; ok $? "create work and personal"
"$VMCTL" start work && timeout 120 "$VMCTL" run work -- sh -c 'echo kept > ~/note; sync'
ok $? "start work and write a file in its home"
out=$(bk_create --json "$DEST"); ok $? "back up all VMs while work runs"
like "$out" '"vms": 2' "  both VMs are in the backup"
is "$("$VMCTL" prefs work state)" "Running" "work kept running"
out=$(timeout 120 "$VMCTL" run work -- sh -c 'echo after > ~/after; cat ~/note'); is "$out" "kept" \
	"  and still works: it writes and reads its home"
[ ! -e "$BULKHEAD_STATE_DIR/vms/work/backup-copy.qcow2" ]; ok $? "the copy is gone"
left=$(find "$BULKHEAD_STATE_DIR/libvirt" \( -path '*snapshot*' -o -path '*checkpoint*' \) -type f | wc -l)
is "$left" 0 "  no snapshot or checkpoint metadata is left"
like "$(qemu-img info -U "$(volume work)")" "^image: " "  work's volume is readable"
! qemu-img info -U "$(volume work)" | grep -q '^backing file'; ok $? "  and still has no backing file"
"$VMCTL" kill work

bk restore "$DEST" --vm work --rename-prefix r- >/dev/null; ok $? "restore it as r-work"
"$VMCTL" start r-work && out=$(timeout 120 "$VMCTL" run r-work -- cat note)
is "$out" "kept" "r-work boots with work's home: the file written before the backup is there"
out=$(timeout 60 "$VMCTL" run r-work -- sh -c 'test -e after && echo yes || echo no')
is "$out" "no" "  and not the one written after it"
"$VMCTL" kill r-work
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
tap_done
