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
for p in Xvfb xterm xwininfo xwd convert; do command -v $p >/dev/null || skip_all "$p not installed"; done

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

# Its pixels came through the ivshmem region (GUI protocol 1.2), not the channel.
grep -q "Shared region of 64 MiB, painted with XShmPutImage" "$E2E_DIR/bulkheadd.log"
ok $? "guid maps the VM's ivshmem region and paints from it with XShmPutImage"
like "$("$VMCTL" console gui)" "Window pixels through the shared region" \
	"the VM's agent found the ivshmem device and uses it"

# Pixel for pixel: a window of one colour (text and cursor too) is that colour on the host.
timeout 60 "$VMCTL" run gui -- sh -c 'DISPLAY=:0 setsid xterm -title e2e-solid -bg "#204a87" -fg "#204a87" -geometry 40x10 </dev/null >/dev/null 2>&1 &'
colours=
for _ in $(seq 1 150); do
	frame=$(xwininfo -root -tree 2>/dev/null | grep -F '"[gui] e2e-solid"' | awk '{print $1}')
	[ -n "$frame" ] && colours=$(xwd -id "$frame" -silent 2>/dev/null |
		convert xwd:- -shave 2x2 -unique-colors -depth 8 txt:- 2>/dev/null |
		grep -o '#[0-9A-F]\{6\}' | tr '\n' ' ')
	[ "$colours" = "#204A87 " ] && break; sleep 0.2
done
is "$colours" "#204A87 " "the solid VM window is exactly #204a87 inside its frame on the host"
"$VMCTL" shutdown gui --wait; ok $? "shutdown gui"
sleep 0.5
! pgrep -f "guid --domain gui .*$E2E_DIR" >/dev/null; ok $? "guid is gone with the VM"
e2e_stop_bulkheadd
tap_done
