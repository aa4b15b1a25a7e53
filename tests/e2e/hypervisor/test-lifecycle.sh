#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real VMs under TCG: create work and personal from the host template, start both, run a
# command through the broker, shut down, remove, and check that nothing is left behind.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
e2e_setup

"$VMCTL" create work --label blue; ok $? "create work (blue)"
"$VMCTL" create personal --label green --memory 256; ok $? "create personal (green)"
err=$("$VMCTL" create work 2>&1); is "$?" 1 "creating work twice fails"
like "$err" "VM 'work' already exists" "  and says why, naming the VM"
like "$("$VMCTL" list)" 'work +Halted +AppVM +blue +host' "list shows work halted"
json=$("$VMCTL" list --json)
like "$json" '"personal": \{"class": "AppVM", "label": "green", "state": "Halted"' "list --json"
[ -f "$BULKHEAD_STATE_DIR/vms/work/private.qcow2" ]; ok $? "work has its private qcow2 volume"

dbus-monitor --session "type='signal',interface='org.bulkhead.Manager1',member='StateChanged'" \
	>"$E2E_DIR/signals" 2>/dev/null &
MONITOR_PID=$!
sleep 0.3
t0=$(date +%s.%N)
"$VMCTL" start work; ok $? "start work"
[ -S "$BULKHEAD_RUNTIME_DIR/qrexec/work.sock" ]
ok $? "  its qrexec socket is there as soon as start returns (a call waits for the daemon)"
"$VMCTL" start personal; ok $? "start personal"
err=$("$VMCTL" start work 2>&1); is "$?" 1 "starting a running VM fails"
like "$err" "VM 'work' is already running" "  naming the VM"

out=$(timeout 120 "$VMCTL" run work -- uname -r); ok $? "vmctl run work -- uname -r"
t1=$(date +%s.%N)
is "$out" "$(guest_kernel_version)" "  prints the guest's kernel, the host's Debian kernel"
diag "start to first command answered: $(echo "$t1 - $t0" | bc) s (TCG)"
out=$(timeout 60 "$VMCTL" run work -- sh -c 'echo "a b" | awk "{print \$2}"; readlink -f /usr/bin/awk')
is "$(echo $out)" "b $(readlink -f /usr/bin/awk)" "  Debian alternatives work in the guest (awk, as xdg-open needs)"
out=$(timeout 60 "$VMCTL" run work -- sh -c 'echo $(id -un) $HOME $(pwd) $XDG_RUNTIME_DIR')
is "$out" "user /home/user /home/user /run/user/1000" "vmctl run without -u runs as the VM's user, in its home"
out=$(timeout 60 "$VMCTL" run -u root work -- sh -c 'echo $(id -un) $HOME; touch /etc/bulkhead-root-was-here')
is "$out" "root /root" "vmctl run -u root runs as root"
out=$(timeout 60 "$VMCTL" run work -- sh -c 'touch /etc/nope 2>&1 || echo refused')
like "$out" "refused" "  and the user cannot write what root owns"
out=$(timeout 120 "$VMCTL" run personal -- sh -c 'echo out; echo oops >&2; exit 7' 2>"$E2E_DIR/err")
is "$?" 7 "run passes the exit code through"
is "$out" "out" "  and stdout"
is "$(cat "$E2E_DIR/err")" "oops" "  and stderr"
out=$(timeout 60 "$VMCTL" run personal -- sh -c 'echo hello > ~/file; cat ~/file; mount | grep -c " /usr type 9p .*ro,"')
is "$out" "hello
1" "personal's /home/user is writable and /usr is the host's, read-only over 9p"
like "$("$VMCTL" console work)" 'bulkhead-init: ready in' "console shows the guest init's log"

# Each VM boots from its own copies of the kernel and initramfs, emptied once QEMU has read
# them (hypervisor/boot-files.c): the kernel when Start returned, the initramfs at the agent's
# hello. The shared files in <state>/boot stay whole for the next VM.
boot_copies_size() { cat "$BULKHEAD_RUNTIME_DIR/vms/$1"/{vmlinux,initramfs}-boot* | wc -c; }
# "MAPPINGS KIB": the VM's QEMU's mappings of its boot-file copies, and their resident KiB.
boot_copies_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { copy = $6 ~ /\/(vmlinux|initramfs)-boot/; n += copy }
		copy && /^Rss:/ { kib += $2 } END { print n + 0, kib + 0 }' \
		"/proc/$(pgrep -f "qemu-system-x86_64.*guest=$1,")/smaps"
}
for vm in work personal; do
	for _ in $(seq 1 20); do [ "$(boot_copies_size $vm)" = 0 ] && break; sleep 0.1; done
	is "$(ls "$BULKHEAD_RUNTIME_DIR/vms/$vm" | grep -c -- '-boot')" 2 "$vm has its own kernel and initramfs copies"
	is "$(boot_copies_size $vm)" 0 "  both emptied once its agent answered"
	like "$(boot_copies_rss $vm)" '^[1-9][0-9]* 0$' "  and its QEMU, which maps them, holds none of their pages"
done
for f in "$BULKHEAD_STATE_DIR"/boot/vmlinux-* "$BULKHEAD_STATE_DIR"/boot/initramfs-*; do
	[ "$(stat -c %s "$f")" -gt 1000000 ]; ok $? "the shared $(basename "$f") stays whole"
done
is "$(e2e_daemon_pids | wc -l)" 2 "one qrexec-daemon per running VM"

"$VMCTL" shutdown work --wait; ok $? "shutdown work --wait"
is "$("$VMCTL" prefs work state)" "Halted" "  work is halted when it returns"
"$VMCTL" shutdown personal --wait; ok $? "shutdown personal --wait"
kill "$MONITOR_PID"
states=$(grep -A2 'member=StateChanged' "$E2E_DIR/signals" | grep -A1 'string "work"' |
	sed -n 's/.*string "\(.*\)"/\1/p' | grep -v '^work$' | tr '\n' ' ')
is "$states" "Starting Running Stopping Halted " "StateChanged signals for work: Starting, Running, Stopping, Halted"
err=$("$VMCTL" shutdown personal 2>&1); is "$?" 1 "shutting down a halted VM fails"
like "$err" "VM 'personal' is not running" "  naming the VM"
sleep 0.5
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
is "$(e2e_daemon_pids | wc -l)" 0 "no qrexec-daemon left"
is "$(find "$BULKHEAD_RUNTIME_DIR" -type s ! -name dispvm.sock | wc -l)" 0 "no socket of a VM left in the runtime dir (bulkheadd keeps its dispvm.sock)"
like "$(tail -3 "$BULKHEAD_STATE_DIR/vms/work/console.log")" "powering off" "work powered off cleanly"
is "$(find "$BULKHEAD_RUNTIME_DIR" -name '*-boot*' | wc -l)" 0 "no boot-file copy left once the VMs stopped"
# A crash leaves copies behind: the next bulkheadd removes those of VMs not running.
mkdir -p "$BULKHEAD_RUNTIME_DIR/vms/work" && touch "$BULKHEAD_RUNTIME_DIR/vms/work/vmlinux-boot"
kill "$BULKHEADD_PID" && wait "$BULKHEADD_PID"
e2e_start_bulkheadd
[ ! -e "$BULKHEAD_RUNTIME_DIR/vms/work/vmlinux-boot" ]; ok $? "bulkheadd removes a stopped VM's copies at its start"

# A private volume that does not mount: the VM must not run what the user would lose at its
# shutdown (the guest init fails closed), and says why.
qemu-img create -q -f qcow2 "$BULKHEAD_STATE_DIR/vms/personal/private.qcow2" 2G
"$VMCTL" start personal; ok $? "start personal with a blank private volume"
err=$(timeout 120 "$VMCTL" run personal -- sh -c 'echo lost > ~/file' 2>&1); ok $((! $?)) "  vmctl run fails"
like "$err" "private volume /dev/vda not mounted" "  saying the private volume did not mount"
like "$("$VMCTL" console personal)" "fatal: private volume /dev/vda not mounted" "  as does the console"
"$VMCTL" kill personal; wait_state personal Halted; ok $? "  kill personal"

"$VMCTL" remove work; ok $? "remove work"
"$VMCTL" remove personal; ok $? "remove personal"
[ ! -e "$BULKHEAD_STATE_DIR/vms/work" ]; ok $? "work's volume is gone"
is "$("$VMCTL" list --json)" "{}" "no VMs left"
e2e_stop_bulkheadd
tap_done
