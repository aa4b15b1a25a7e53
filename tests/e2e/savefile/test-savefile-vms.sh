#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Save a file from one real VM into another: in work, vm-save-to --vm personal asks the broker
# for bulkhead.SaveFile; personal's save dialog opens on personal's own display (mirrored on the
# host as "[personal] Save file from work"); personal's user, at personal's keyboard (xdotool in
# personal), names the place; the file arrives there byte for byte, and work hears "saved".
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
[ -x "${BULKHEAD_GUID:-}" ] && [ -x "$BULKHEAD_GUEST_DIR/bin/gui-agent" ] || skip_all "guid/gui-agent not built"
[ -x "$BULKHEAD_GUEST_DIR/bin/savefile-chooser" ] || skip_all "savefile-chooser not built (-Dgui=false)"
for p in Xvfb xdotool xwininfo; do command -v $p >/dev/null || skip_all "$p not installed"; done
export BULKHEAD_GUEST_GUI=1

e2e_host_display
e2e_setup
e2e_policy 'bulkhead.SaveFile  *  work  personal  allow' 'bulkhead.SaveFile  *  work  @anyvm    deny'

# personal runs a GTK dialog, built with ASan here: more than the default 256 MiB.
"$VMCTL" create work --label blue && "$VMCTL" create personal --label green --memory 1024
ok $? "create work and personal"
"$VMCTL" start work && "$VMCTL" start personal
ok $? "start both"
timeout 120 "$VMCTL" run work -- sh -c 'head -c 1000000 /dev/urandom >/tmp/report.bin'
ok $? "make a file in work"
want=$(timeout 60 "$VMCTL" run work -- md5sum /tmp/report.bin | cut -d' ' -f1)
like "$want" "^[0-9a-f]{32}$" "  and take its digest there"
# personal's X server must be up before its dialog can be (the guest init starts it).
for _ in $(seq 1 150); do
	grep -q "started gui-agent" "$BULKHEAD_STATE_DIR/vms/personal/console.log" && break; sleep 0.2
done

timeout 400 "$VMCTL" run work -- vm-save-to --vm personal /tmp/report.bin \
	>"$E2E_DIR/save.out" 2>"$E2E_DIR/save.err" &
SAVE_PID=$!
# In personal, as its user at its keyboard: find the dialog (GTK under emulation is slow).
wid=$(timeout 300 "$VMCTL" run personal -- sh -c 'DISPLAY=:0 xdotool search --sync --onlyvisible --name "^Save file from work\$" | head -n1')
like "$wid" "^[0-9]+$" "personal shows a save dialog 'Save file from work' on its own display"
host=""
for _ in $(seq 1 300); do
	host=$(xwininfo -root -tree 2>/dev/null | grep -F '[personal]' | grep -F 'Save file from work')
	[ -n "$host" ] && break; sleep 0.2
done
like "$host" '\[personal\] Save file from work' "  mirrored on the host as [personal], in personal's frame"
timeout 120 "$VMCTL" run personal -- sh -c "export DISPLAY=:0; xdotool windowfocus --sync $wid; sleep 1;
	xdotool key --clearmodifiers ctrl+a; xdotool type --delay 80 /home/user/kept.bin; sleep 1;
	xdotool key --clearmodifiers Return"
ok $? "personal's user types /home/user/kept.bin and presses Return"
wait "$SAVE_PID"
status=$?
is "$status" 0 "vm-save-to in work exits 0"
like "$(cat "$E2E_DIR/save.err")" "saved in the other VM" "  and says it was saved (not where)"
[ "$status" -eq 0 ] || diag "personal's kernel: $(timeout 60 "$VMCTL" run -u root personal -- dmesg | tail -5)"
got=$(timeout 60 "$VMCTL" run personal -- md5sum /home/user/kept.bin | cut -d' ' -f1)
is "$got" "$want" "the file is where personal's dialog put it, byte for byte"
left=$(timeout 60 "$VMCTL" run personal -- sh -c 'ls -A /home/user | grep -cE "^\.bulkhead-(partial|probe)-" || true')
is "$left" 0 "  with no temporary file beside it"

"$VMCTL" shutdown work --wait && "$VMCTL" shutdown personal --wait
ok $? "shutdown both"
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
