#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole chain with a person at the keyboard: a process VM calls a service through its
# qrexec-daemon, the real policy daemon meets an `ask` rule and calls the real bulkhead-ask on
# the test bed's private session bus; the dialog is answered with xdotool on its own Xvfb.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
ask_exe=${1:?usage: test-ask-broker.sh BULKHEAD-ASK}
for tool in Xvfb xdotool; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

# The broker's own processes are checked for leaks by the qrexec tests; here only the agent.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
tb_init
tb_vm work --label green
tb_vm mail
tb_vm browser
tb_policy 50-test 'test.Where  *  work  @anyvm  ask default_target=mail'
for vm in mail browser; do
	tb_service "$vm" test.Where "echo $vm"
done
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

# The host's display, for the dialog; the test bed stops everything under $TB/pids at exit.
tb_host_display
tb_bg ask env ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$TB/sanitizer" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$TB/sanitizer" "$ask_exe"
tb_wait_bus_name org.bulkhead.PolicyAgent1

key() { xdotool key --clearmodifiers --delay 50 "$@"; }
call() { # call ID TARGET: work calls test.Where in the background; output in $TB/ID
	tb_run work qrexec-client-vm "$2" test.Where </dev/null >"$TB/$1" 2>/dev/null &
	echo $! >"$TB/$1.pid"
}
# press_until ID KEYS...: press KEYS until the call ends (a person presses again on a slow
# machine); the keys used are idempotent at the ends of the two-item chooser.
press_until() {
	local id=$1 i
	shift
	for i in $(seq 10); do
		key "$@"
		sleep 1
		kill -0 "$(cat "$TB/$id.pid")" 2>/dev/null || return 0
	done
	return 1
}
finish() { # finish ID: wait for the call (in this shell: it is our child); "STATUS OUTPUT"
	wait "$(cat "$TB/$1.pid")"
	res="$? $(cat "$TB/$1")"
}

call c1 @default
wid=$(timeout 20 xdotool search --sync --onlyvisible --name '^Bulkhead: request from work$' | head -n1)
ok "$([ -n "$wid" ]; echo $?)" "a call meeting an ask rule shows the dialog"
sleep 1.5
press_until c1 Down alt+a
finish c1
is "$res" "0 mail" "choosing with the keyboard and Alt+A runs the service in that VM"
# The candidates are browser and mail, mail preselected (default_target): Down stayed on mail,
# Up moves to browser.
call c2 @default
timeout 20 xdotool search --sync --onlyvisible --name '^Bulkhead: request from work$' >/dev/null
sleep 1.5
press_until c2 Up alt+a
finish c2
is "$res" "0 browser" "Up then Alt+A: the call goes to browser instead"
call c3 mail
timeout 20 xdotool search --sync --onlyvisible --name '^Bulkhead: request from work$' >/dev/null
sleep 1.5
press_until c3 Escape
finish c3
is "$res" "126 " "Esc: the call is refused (126) and nothing runs"
log=$(cat "$TB/state/audit.log")
like "$log" '"decision":"allow".*"answered_by":"user"' "the audit log records the person's answer"
tb_kill_wait "$(cat "$TB/pids/extra-ask")"
reports=$(cat "$TB"/sanitizer.* 2>/dev/null)
ok "$([ -z "$reports" ]; echo $?)" "no sanitizer reports from bulkhead-ask"
[ -z "$reports" ] || printf '%s\n' "$reports" | head -40 | sed 's/^/# /'
tap_done
