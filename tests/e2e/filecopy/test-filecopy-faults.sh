#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults on real VMs: the receiving VM's QEMU is killed (-9) in the middle of a file copy, then
# bulkheadd is restarted with the VMs running.
# - the copy fails in the sender, whose VM and broker link go on working;
# - the receiver's next receive removes the partial file the crashed one left;
# - a bulkheadd restarted under running VMs brings their (sandboxed) daemons back, and a copy
#   then goes through.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
e2e_setup

e2e_policy 'bulkhead.Filecopy  *  work  personal  allow'
"$VMCTL" create work --label blue && "$VMCTL" create personal --label green
ok $? "create work and personal"
"$VMCTL" start work && "$VMCTL" start personal
ok $? "start both"
home='h=${HOME:-$(getent passwd $(id -u) | cut -d: -f6)}'
timeout 120 "$VMCTL" run work -- sh -c 'truncate -s 2G /tmp/big && printf small >/tmp/small'
ok $? "a 2 GiB (sparse) file in work"
timeout 120 "$VMCTL" run personal -- true
ok $? "personal's agent answers"

personal_qemu() { pgrep -f "qemu-system-x86_64.*guest=personal.*$E2E_DIR" || pgrep -f "qemu-system-x86_64.*personal.*$E2E_DIR"; }
timeout 120 "$VMCTL" copy /tmp/big 'work->personal' 2>"$E2E_DIR/copy.err" &
copier=$!
for _ in $(seq 100); do
	timeout 20 "$VMCTL" run personal -- sh -c "$home; test -d \$h/Incoming/work" 2>/dev/null && break
	sleep 0.2
done
sleep 1 # well into the stream
qpid=$(personal_qemu | head -1)
ok "$([ -n "$qpid" ]; echo $?)" "the copy is under way; personal's QEMU is pid ${qpid:-none}"
kill -9 "$qpid"
wait "$copier"
status=$?
ok "$([ "$status" -ne 0 ] && [ "$status" -ne 124 ]; echo $?)" "the copy fails in the sender, promptly (status $status)"
wait_state personal Crashed 30; ok $? "personal is Crashed"
out=$(timeout 60 "$VMCTL" run work -- echo still-here); is "$out" "still-here" "work and its broker link go on"

"$VMCTL" start personal; ok $? "personal starts again"
e2e_stop_bulkheadd
e2e_start_bulkheadd
is "$("$VMCTL" prefs work state) $("$VMCTL" prefs personal state)" "Running Running" \
	"a restarted bulkheadd finds both VMs running"
timeout 120 "$VMCTL" copy /tmp/small 'work->personal' 2>"$E2E_DIR/copy2.err"
is "$?" 0 "a copy goes through the restarted daemons"
got=$(timeout 60 "$VMCTL" run personal -- sh -c "$home; cat \$h/Incoming/work/small")
is "$got" "small" "  and arrives whole"
# The receiver (in the guest it writes named ".bulkhead-partial-PID-N" files: no /proc to link an
# O_TMPFILE in its namespace) sweeps what a receive killed before this boot left behind.
left=$(timeout 120 "$VMCTL" run personal -- sh -c "$home; find \$h/Incoming -name '.bulkhead-partial-*'")
is "$left" "" "the next receive leaves no partial file of the crashed copy"
pid=$(pgrep -f "qrexec-daemon --domain work .*$E2E_DIR" | head -1)
like "$(grep -E '^(NoNewPrivs|Seccomp):' "/proc/$pid/status" 2>/dev/null | tr '\n' ' ')" \
	'NoNewPrivs:.1 Seccomp:.2' "the respawned qrexec-daemon runs sandboxed"

"$VMCTL" kill work && "$VMCTL" kill personal
ok $? "stop both"
wait_state work Halted 30 && wait_state personal Halted 30
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
