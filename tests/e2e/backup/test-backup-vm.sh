#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Backups into a backup VM (DEST vm:backup:/home/user/bk) through the broker: the policy
# decides (the default rule asks; nobody to answer is a refusal), a VM is backed up into a
# real VM and restored byte for byte, and a hostile backup VM that flips, drops or swaps a
# chunk, or replays an old manifest, is caught. One real VM boots (TCG).
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"

e2e_policy 'bulkhead.Backup  *  dom0  @anyvm  ask'
BDEST=vm:backup:/home/user/bk
inside() { timeout 120 "$VMCTL" run backup -- sh -c "$1"; }

"$VMCTL" create work && "$VMCTL" create backup; ok $? "create work and the backup VM"
put_random work 1M 3M
"$VMCTL" start backup; ok $? "start the backup VM"

err=$(bk_create --vm work "$BDEST" 2>&1); is $? 1 "the policy asks and nobody answers: refused"
like "$err" "the policy refuses bulkhead.Backup from dom0 to VM 'backup'" "  and says so"
[ "$(inside 'ls -A ~ | grep -c "^bk$"')" = 0 ]; ok $? "  nothing was written in the backup VM"

"$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/ask-responder" allow backup "$E2E_DIR/asks" \
	"$E2E_DIR/asks.ready" &
E2E_POLICY_PID="$E2E_POLICY_PID $!" # e2e_cleanup stops it with the policy daemon
for _ in $(seq 50); do [ -e "$E2E_DIR/asks.ready" ] && break; sleep 0.1; done

out=$(bk_create --vm work --json "$BDEST"); ok $? "the user allows it: backup #1 into the VM"
like "$(head -1 "$E2E_DIR/asks")" "^dom0 bulkhead.Backup" "  after the ask dialog asked about dom0 -> backup"
[ "$(json_field "$out" new_chunks)" -ge 3 ]; ok $? "  new chunks went into the VM"
n=$(inside 'find ~/bk/chunks -type f | wc -l'); [ "$n" -ge 3 ]; ok $? "  ($n chunk files in backup:~/bk)"
like "$(bk list "$BDEST")" "^1 .* work" "list reads the backup back from the VM"
bk verify "$BDEST" >/dev/null; ok $? "verify checks every chunk in the VM"
bk restore "$BDEST" --vm work --rename-prefix r- >/dev/null; ok $? "restore work as r-work from the VM"
same_volume "$(volume work)" "$(volume r-work)"; ok $? "  r-work's volume is work's, byte for byte"
"$VMCTL" remove r-work

inside 'cp ~/bk/latest /tmp/latest.1 && ls ~/bk/chunks/*/* >/tmp/chunks.1'
put_random work 20M 1M
bk_create --vm work "$BDEST" >/dev/null; ok $? "backup #2 after a 1 MiB change"
vms_before=$(vm_count)

# The backup VM turns hostile: each damage is made, caught, and undone.
NEW='$(ls ~/bk/chunks/*/* | grep -vxFf /tmp/chunks.1 | head -1)'
OLD='$(head -1 /tmp/chunks.1)'
caught() { # caught WHAT DAMAGE UNDO MESSAGE-REGEX
	local err
	inside "$2"; ok $? "$1"
	err=$(bk verify "$BDEST" 2>&1); is $? 1 "  verify fails"
	err=$(bk restore "$BDEST" --vm work --rename-prefix t- 2>&1); is $? 1 "  restore fails"
	like "$err" "$4" "  saying why"
	is "$(vm_count)" "$vms_before" "  and no VM is created"
	inside "$3"
}
caught "the backup VM flips a bit in a chunk" \
	"f=$NEW; cp \$f /tmp/saved; printf '\\377' | dd of=\$f bs=1 seek=100 conv=notrunc status=none" \
	"cp /tmp/saved $NEW" "is damaged or not the chunk it claims to be"
caught "the backup VM drops a chunk" "f=$NEW; echo \$f >/tmp/name; mv \$f /tmp/saved" \
	'mv /tmp/saved $(cat /tmp/name)' "Chunk chunks/.* is missing"
caught "the backup VM swaps a chunk for another" "f=$NEW; cp \$f /tmp/saved; cp $OLD \$f" \
	"cp /tmp/saved $NEW" "is damaged or not the chunk it claims to be"
caught "the backup VM replays manifest #1 as #2" \
	"cd ~/bk/manifests && cp 00000000000000000002 /tmp/saved && cp 00000000000000000001 00000000000000000002" \
	"cp /tmp/saved ~/bk/manifests/00000000000000000002" "Backup #2 .* was altered, truncated or replaced"
caught "the backup VM rolls latest back to backup #1" \
	"cp ~/bk/latest /tmp/saved && cp /tmp/latest.1 ~/bk/latest" "cp /tmp/saved ~/bk/latest" \
	"rolled back: its latest backup is #1, but this host made or saw #2"
bk verify "$BDEST" >/dev/null; ok $? "once undone, the repository in the VM verifies again"

"$VMCTL" kill backup
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
tap_done
