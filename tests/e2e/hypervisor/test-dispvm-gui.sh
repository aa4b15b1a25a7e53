#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A link opened in a disposable, as a user sees it: work's vm-open-url --dispvm, the policy
# sends it to @dispvm:dvm, a disposable's browser window appears on the host display framed in
# the disposable's colour (its template's, purple); closing the window ends the disposable and
# leaves no domain, volume or runtime file.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_GUID:-}" ] && [ -x "$BULKHEAD_GUEST_DIR/bin/gui-agent" ] || skip_all "guid/gui-agent not built"
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
for p in Xvfb xdotool import dillo; do command -v $p >/dev/null || skip_all "$p not installed"; done
PURPLE='#75507B' # common/label.c

export BULKHEAD_GUEST_GUI=1
e2e_host_display
e2e_setup
e2e_policy 'bulkhead.OpenURL  *  work  @dispvm  allow'

pixel() { # pixel X Y: one pixel of the host display, #RRGGBB
	import -window root -crop "1x1+$1+$2" +repage -depth 8 txt:- 2>/dev/null |
		sed -n '2s/.*\(#[0-9A-F]\{6\}\).*/\1/p'
}
disposables() { "$VMCTL" list | awk '$3 == "DispVM" { print $1 }'; }

"$VMCTL" create dvm --label purple && "$VMCTL" prefs dvm preload_dispvm_max 0 &&
	"$VMCTL" prefs dvm template_for_dispvms true && "$VMCTL" create work --label blue &&
	"$VMCTL" prefs work default_dispvm dvm
ok $? "a disposable template dvm (purple) and work, whose default disposable template it is"
"$VMCTL" start work; ok $? "start work"

timeout 240 "$VMCTL" run work -- vm-open-url --dispvm http://127.0.0.1:9/from-work \
	>"$E2E_DIR/open.out" 2>&1 &
OPEN_PID=$!
win=$(timeout 240 xdotool search --sync --onlyvisible --name '^\[disp[0-9]+\] ' 2>/dev/null | head -n1)
ok "$([ -n "$win" ]; echo $?)" "a disposable's browser window appears on the host display"
title=$(xdotool getwindowname "$win" 2>/dev/null)
diag "window: $title"
name=$(printf '%s\n' "$title" | sed -n 's/^\[\(disp[0-9]*\)\] .*/\1/p')
is "$(disposables)" "$name" "  it is the disposable's window ($name)"
sleep 2 # the frame is drawn with the first paint
eval "$(xdotool getwindowgeometry --shell "$win")"
is "$(pixel "$X" $((Y + HEIGHT / 2))) $(pixel $((X + WIDTH / 2)) "$Y")" "$PURPLE $PURPLE" \
	"  framed in the disposable's colour, its template's purple"
import -window root "$BULKHEAD_BUILD_ROOT/meson-logs/dispvm-browser.png" 2>/dev/null
like "$(cat "$E2E_DIR/audit.log")" 'OpenURL' "the policy's decision is in the audit log"

"$BULKHEAD_X_TOOL" close "$win"
wait "$OPEN_PID"
is "$?" 0 "closing the browser ends the call"
for _ in $(seq 1 150); do
	[ -z "$(disposables)" ] && [ -z "$(ls -d "$BULKHEAD_STATE_DIR"/vms/disp* "$BULKHEAD_RUNTIME_DIR"/vms/disp* 2>/dev/null)" ] && break
	sleep 0.2
done
is "$(disposables)" "" "  and the disposable is gone"
is "$(ls -d "$BULKHEAD_STATE_DIR"/vms/disp* "$BULKHEAD_RUNTIME_DIR"/vms/disp* "$BULKHEAD_RUNTIME_DIR"/qrexec/disp* 2>/dev/null)" "" \
	"  leaving no volume, runtime dir or socket"

"$VMCTL" shutdown work --wait; ok $? "shut work down"
e2e_stop_bulkheadd
tap_done
