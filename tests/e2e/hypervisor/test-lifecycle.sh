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

"$VMCTL" remove work; ok $? "remove work"
"$VMCTL" remove personal; ok $? "remove personal"
[ ! -e "$BULKHEAD_STATE_DIR/vms/work" ]; ok $? "work's volume is gone"
is "$("$VMCTL" list --json)" "{}" "no VMs left"
e2e_stop_bulkheadd
tap_done
