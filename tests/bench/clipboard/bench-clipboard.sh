#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark of the inter-VM paste on process VMs: the test bed's private bus and policy daemon
# (work -> personal allowed), a host Xvfb and one per VM, gui-agent and guid for each, and
# bench-clipboard pressing the keys and timing the paste against a raw X selection transfer.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
for tool in Xvfb xdotool xlogo dbus-daemon; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
[ -x "$BULKHEAD_BUILD_ROOT/qrexec/qrexec-policy-daemon" ] || skip_all "no qrexec-policy-daemon"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
tb_init || skip_all "cannot set up the test bed"
work=$TB
. "$GUID_TEST_LIB" # wait_for, window_id

tb_vm work --xvfb --label blue || skip_all "Xvfb does not start"
tb_vm personal --xvfb --label orange
mkdir -p "$TB/vm/.host"
tb_start_xvfb .host
HOST=$(tb_display .host)
tb_policy 50-clipboard 'bulkhead.ClipboardPaste * work personal allow'
tb_start_policy || skip_all "the policy daemon does not start"

for vm in work personal; do
	tb_bg "xlogo-$vm" env DISPLAY="$(tb_display $vm)" xlogo -geometry 100x100+10+10
	"$PAIR_RUN" "$TB/gui-$vm.pids" "$GUI_AGENT" --channel fd:3 --display "$(tb_display $vm)" \
		-- "$GUID" --domain "$vm" --label red --channel fd:3 --display "$HOST" \
		2>>"$TB/log/gui-$vm.log" &
	echo $! >"$TB/pids/extra-pair-$vm"
	wait_for test -s "$TB/gui-$vm.pids" || skip_all "guid does not start"
	for p in $(cat "$TB/gui-$vm.pids"); do echo "$p" >"$TB/pids/extra-gui-$vm-$p"; done
	window_id "$HOST" "^\\[$vm\\] xlogo\$" >"$TB/win-$vm" || skip_all "no host window for $vm"
done

"$BENCH_CLIPBOARD" "$HOST" "$(tb_display work)" "$(tb_display personal)" \
	"$(cat "$TB/win-work")" "$(cat "$TB/win-personal")"
