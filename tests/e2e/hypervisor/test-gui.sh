#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real VM's window on the host display: the guest init starts the VM's Xvfb and gui-agent,
# bulkheadd starts guid for the VM on the host display (an Xvfb here), and an xterm started in
# the VM appears on the host as a window titled "[vm] ...".
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_GUID:-}" ] && [ -x "$BULKHEAD_GUEST_DIR/bin/gui-agent" ] || skip_all "guid/gui-agent not built"
export BULKHEAD_GUEST_GUI=1
for p in Xvfb xterm xwininfo; do command -v $p >/dev/null || skip_all "$p not installed"; done

e2e_host_display
e2e_setup

"$VMCTL" create gui --label orange; ok $? "create gui (orange)"
"$VMCTL" start gui; ok $? "start gui"
timeout 120 "$VMCTL" run gui -- true; ok $? "its agent answers"
pgrep -f "guid --domain gui .*$E2E_DIR" >/dev/null; ok $? "bulkheadd started guid for the VM"
for _ in $(seq 1 150); do
	grep -q "started gui-agent" "$BULKHEAD_STATE_DIR/vms/gui/console.log" && break; sleep 0.2
done
like "$("$VMCTL" console gui)" "started Xvfb" "the guest init started the VM's X server"
timeout 60 "$VMCTL" run gui -- sh -c 'DISPLAY=:0 setsid xterm -title e2e-term </dev/null >/dev/null 2>&1 &'
ok $? "start an xterm in the VM"
found=
for _ in $(seq 1 300); do
	found=$(xwininfo -root -tree 2>/dev/null | grep -F '[gui]' | grep -F 'e2e-term')
	[ -n "$found" ] && break; sleep 0.2
done
like "$found" '\[gui\].*e2e-term' "the VM's xterm appears on the host display as [gui] e2e-term"
"$VMCTL" shutdown gui --wait; ok $? "shutdown gui"
sleep 0.5
! pgrep -f "guid --domain gui .*$E2E_DIR" >/dev/null; ok $? "guid is gone with the VM"
e2e_stop_bulkheadd
tap_done
