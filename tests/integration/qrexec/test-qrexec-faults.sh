#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration, faults on the broker:
# 1. The policy daemon dies (SIGKILL) and is restarted while calls wait for an ask the user
#    answers "allow" a moment later: every waiting call is denied (126), none of their services
#    ever starts, and calls work again through the new policy daemon.
# 2. A VM hammers the broker within the protocol (300 calls at once, every refusal asked again):
#    it is held to 256 calls in flight, and another VM's calls still complete promptly.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
RESPONDER=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/ask-responder
HOSTILE=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/hostile-agent
N=5

tb_init
tb_vm work
tb_vm mail
tb_vm flood
tb_policy 50-test 'test.Mark * work mail ask
test.Echo * work mail allow
test.Denied * flood mail deny notify=no'
mkdir -p "$TB/started"
tb_service mail test.Mark "touch '$TB/started/'\$1; echo ran"
tb_service mail test.Echo 'cat'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

# The "user" answers allow, but 4 s after each prompt (one at a time): time enough to kill the
# policy daemon while all the calls wait.
responder() { # responder [DELAY]: a fresh scripted ask agent that allows to mail
	rm -f "$TB/ready"
	ASK_RESPONDER_DELAY=${1:-0} tb_bg responder "$RESPONDER" allow mail "$TB/asks.log" "$TB/ready"
	for _ in $(seq 100); do [ -e "$TB/ready" ] && return 0; sleep 0.05; done
}
responder 4

for i in $(seq $N); do
	(tb_run work qrexec-client-vm mail "test.Mark+m$i" </dev/null >/dev/null 2>&1
	 echo $? >"$TB/status.$i") &
	callers="${callers:-} $!"
done
for _ in $(seq 200); do [ -s "$TB/asks.log" ] && break; sleep 0.05; done
asked_at=$(date +%s%N)
sleep 1 # the other calls reach the policy daemon and wait in their own prompts
like "$(grep -c . "$TB/policy.log" 2>/dev/null; cat "$TB/asks.log")" "test.Mark" "the user is being asked"
kill -KILL "$(cat "$TB/pids/policy")"
tb_start_policy
for pid in $callers; do wait "$pid"; done
statuses=$(cat "$TB"/status.* | sort | uniq -c | awk '{print $1 "x" $2}')
is "$statuses" "${N}x126" "all $N calls waiting for an ask are denied (126) when the policy daemon dies"
sleep $(( 5 - ($(date +%s%N) - asked_at) / 1000000000 )) # past the user's late "allow"
is "$(ls "$TB/started" | wc -l)" 0 "... and none of their services ran, even after the late allow"
tb_kill_wait "$(cat "$TB/pids/extra-responder")"
responder 0
out=$(tb_run work qrexec-client-vm mail test.Mark+after </dev/null 2>/dev/null)
is "$out" "ran" "the restarted policy daemon asks and allows again"
ok "$(tb_vm_alive work; echo $?)" "work's daemon survived the restart"

# 2. The flooding VM.
tb_stop_vm flood # started with the real agent by tb_start: now the hammering one
TB_AGENT_CMD="$HOSTILE hammer" tb_start_vm flood
for _ in $(seq 100); do grep -q "over the limit" "$TB/log/flood.log" && break; sleep 0.05; done
like "$(grep -m1 "over the limit" "$TB/log/flood.log")" "hammer: [0-9]+ refused by policy, [1-9][0-9]* over the limit" \
	"the flooding VM is held to 256 calls in flight"
slow=0 good=0
start=$(date +%s%N)
for i in $(seq 20); do
	t0=$(date +%s%N)
	[ "$(echo "c$i" | tb_run work qrexec-client-vm mail test.Echo)" = "c$i" ] && good=$((good + 1))
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 5000 ] && slow=$((slow + 1))
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$good" 20 "work's 20 calls complete during the flood"
is "$slow" 0 "... none of them took over 5 s (all 20: $ms ms)"
refused=$(grep -o '[0-9]* refused by policy' "$TB/log/flood.log" | tail -1 | cut -d' ' -f1)
ok "$([ "${refused:-0}" -ge 1000 ]; echo $?)" "the flooder really hammered (${refused:-0} calls refused by policy)"
diag "flood: ${refused:-0} calls refused by policy while work made 20 calls in $ms ms"
ok "$(kill -0 "$(cat "$TB/pids/policy")"; echo $?)" "the policy daemon is still running"
tb_teardown
is "$(tb_strays)" "" "teardown leaves no process behind"
tap_done
