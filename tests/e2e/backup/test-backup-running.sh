#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A running VM's volume is not consistent: vmctl backup refuses it, naming the command that
# stops it, and backs it up once it is halted. One real VM boots (TCG).
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"

"$VMCTL" create work && "$VMCTL" create personal; ok $? "create work and personal"
"$VMCTL" start work && timeout 120 "$VMCTL" run work -- sh -c 'echo kept > ~/note; sync'
ok $? "start work and write a file in its home"
err=$(bk_create "$DEST" 2>&1); is $? 1 "backing up all VMs while work runs fails"
like "$err" "VM 'work' is Running: shut it down first \(vmctl shutdown --wait work\)" \
	"  naming the VM and the command that stops it"
[ ! -e "$DEST/header" ]; ok $? "  before anything is written"
bk_create --vm personal "$DEST" >/dev/null; ok $? "the halted personal can be backed up meanwhile"
"$VMCTL" shutdown --wait work; ok $? "shut work down"
bk create --vm work "$DEST" >/dev/null; ok $? "now work can be backed up"
bk restore "$DEST" --vm work --rename-prefix r- >/dev/null; ok $? "restore it as r-work"
"$VMCTL" start r-work && out=$(timeout 120 "$VMCTL" run r-work -- cat note)
is "$out" "kept" "r-work boots with work's home: the file written before the backup is there"
"$VMCTL" kill r-work
tap_done
