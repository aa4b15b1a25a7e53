#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What bulkheadd notices without being asked: a restart of itself finds the running VM again;
# kill -9 of a VM's QEMU leaves the VM Crashed with its daemon reaped and sockets gone.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
e2e_setup

"$VMCTL" create crashy --label red; ok $? "create crashy"
"$VMCTL" start crashy; ok $? "start crashy"
out=$(timeout 120 "$VMCTL" run crashy -- echo up); is "$out" "up" "its agent answers"

"$VMCTL" create auto --label gray && "$VMCTL" prefs auto autostart true
ok $? "create auto, with autostart"
e2e_stop_bulkheadd
is "$(e2e_qemu_pids | wc -l)" 1 "the VM outlives bulkheadd"
sleep 0.5
is "$(e2e_daemon_pids | wc -l)" 0 "its qrexec-daemon went with bulkheadd"
e2e_start_bulkheadd
is "$("$VMCTL" prefs crashy state)" "Running" "a restarted bulkheadd finds the VM running"
is "$("$VMCTL" prefs auto state)" "Running" "  and starts the autostart VM"
"$VMCTL" kill auto; ok $? "  (killed again)"
out=$(timeout 60 "$VMCTL" run crashy -- echo again); is "$out" "again" "  and its broker link again"

wait_state auto Halted 30
kill -9 $(e2e_qemu_pids)
wait_state crashy Crashed 30; ok $? "kill -9 of QEMU is noticed: crashy is Crashed"
sleep 0.5
is "$(e2e_daemon_pids | wc -l)" 0 "its qrexec-daemon was reaped"
is "$(find "$BULKHEAD_RUNTIME_DIR" -type s ! -name dispvm.sock | wc -l)" 0 "no socket of a VM left"
"$VMCTL" start crashy; ok $? "a crashed VM starts again"
"$VMCTL" kill crashy; ok $? "kill"
wait_state crashy Halted 30; ok $? "  halts it"
e2e_stop_bulkheadd
tap_done
