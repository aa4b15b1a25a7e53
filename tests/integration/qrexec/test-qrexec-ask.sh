#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: `ask` rules through a scripted ask agent on a private D-Bus session bus, over the
# real org.bulkhead.PolicyAgent1 interface: ask->allow with the chosen target, ask->deny, no
# agent on the bus (deny), and what the agent is told (candidates, default, rule, label).
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
RESPONDER=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/ask-responder

tb_init
tb_vm work --label green
tb_vm mail
tb_vm browser
tb_policy 50-test 'test.Where  *  work  @anyvm  ask default_target=mail'
for vm in mail browser; do
	tb_service "$vm" test.Where "touch '$TB/started-$vm'; echo $vm"
done
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

responder() { # responder allow TARGET | deny
	rm -f "$TB/ready"
	tb_bg responder "$RESPONDER" "$@" "$TB/asks.log" "$TB/ready"
	for _ in $(seq 100); do [ -e "$TB/ready" ] && return 0; sleep 0.05; done
	return 1
}
stop_responder() { tb_kill_wait "$(cat "$TB/pids/extra-responder")"; rm -f "$TB/pids/extra-responder"; }

responder allow browser
ok $? "the scripted ask agent owns org.bulkhead.PolicyAgent1 on the private bus"
out=$(tb_run work qrexec-client-vm @default test.Where </dev/null)
is "$out" "browser" "ask -> allow: the call runs in the target the user chose"
ask=$(tail -1 "$TB/asks.log")
like "$ask" "^work test.Where  @default browser,mail mail " "the agent got source, service, empty argument, requested target, candidates, default"
like "$ask" "rule=[^ ]*50-test.policy:1" "... and the rule that asked"
like "$ask" "source_label=green" "... and the source's label"
like "$ask" "timeout=60" "... and the timeout"
stop_responder

responder deny
rm -f "$TB"/started-*
tb_run work qrexec-client-vm mail test.Where </dev/null 2>/dev/null
is $? 126 "ask -> deny: the caller gets 126"
ok "$([ -z "$(ls "$TB" | grep started-)" ]; echo $?)" "ask -> deny: no service started"
stop_responder

tb_run work qrexec-client-vm mail test.Where </dev/null 2>/dev/null
is $? 126 "no ask agent on the bus: deny"
log=$(cat "$TB/state/audit.log")
like "$log" '"decision":"allow".*"answered_by":"user"' "audit: an ask answered by the user"
like "$log" '"decision":"deny".*"answered_by":"no agent"' "audit: no agent"

# A slow answer does not hold up other requests; no answer within the timeout is a deny.
tb_policy 50-test 'test.Where  *  work  @anyvm  ask default_target=mail
test.Now    *  work  mail    allow'
tb_service mail test.Now 'echo now'
sleep 0.5
ASK_RESPONDER_DELAY=3 responder allow mail
start=$(date +%s%N)
tb_run work qrexec-client-vm @default test.Where </dev/null >"$TB/slow.out" 2>&1 &
slow=$!
sleep 0.3
out=$(tb_run work qrexec-client-vm mail test.Now </dev/null)
ms=$((($(date +%s%N) - start) / 1000000))
is "$out" "now" "another call completes while an ask is open"
ok "$([ $ms -lt 2500 ]; echo $?)" "... without waiting for the answer (${ms} ms)"
wait $slow
is $? 0 "the slow ask is then allowed"
is "$(cat "$TB/slow.out")" "mail" "... and runs in the chosen target"
stop_responder
tb_kill_wait "$(cat "$TB/pids/policy")"
tb_start_policy --ask-timeout 1
ASK_RESPONDER_DELAY=3 responder allow mail
tb_run work qrexec-client-vm @default test.Where </dev/null >/dev/null 2>&1
is $? 126 "no answer within the ask timeout: deny"
like "$(tail -1 "$TB/state/audit.log")" '"answered_by":"timeout"' "audit: the timeout"
stop_responder
tb_kill_wait "$(cat "$TB/pids/policy")"
tb_start_policy

# Notifications: every deny, and notify=yes, reach org.freedesktop.Notifications, rate limited.
rm -f "$TB/ready"
tb_bg notifier "$RESPONDER" notify "$TB/notes.log" "$TB/ready"
for _ in $(seq 100); do [ -e "$TB/ready" ] && break; sleep 0.05; done
tb_policy 50-test 'test.Where  *  work  mail  allow notify=yes
test.Where  *  work  browser  deny'
sleep 0.5
tb_run work qrexec-client-vm mail test.Where </dev/null >/dev/null
tb_run work qrexec-client-vm browser test.Where </dev/null 2>/dev/null
sleep 0.3
like "$(cat "$TB/notes.log" 2>/dev/null)" "^Bulkhead\|Bulkhead\|work → mail: test.Where" "notify=yes raises a notification"
like "$(cat "$TB/notes.log" 2>/dev/null)" "Bulkhead\|Bulkhead: request denied\|work → browser: test.Where" "a deny raises a notification"
for _ in $(seq 20); do tb_run work qrexec-client-vm browser test.Where </dev/null 2>/dev/null; done
sleep 0.3
n=$(wc -l <"$TB/notes.log")
ok "$([ "$n" -ge 2 ] && [ "$n" -le 10 ]; echo $?)" "notifications are rate limited: $n shown for 22 events (at most 10 a minute)"
tap_done
