#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: a hostile agent (garbage, truncated frames, oversize lengths, unknown types, a
# flood of requests, data beyond its window, never reading) ends only its own daemon, with the
# reason logged; the other VMs and the policy daemon keep working.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
HOSTILE=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/hostile-agent

tb_init
tb_vm work
tb_vm mail
tb_vm evil
tb_policy 50-test 'test.Echo * work mail allow
test.Echo * evil work allow
test.Sink * evil work allow
test.Echo * work evil allow'
tb_service mail test.Echo 'cat'
tb_service work test.Echo 'cat'
tb_service work test.Sink 'sleep 5; cat >/dev/null'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

still_works() {
	local out
	out=$(echo alive | tb_run work qrexec-client-vm mail test.Echo)
	is "$out" "alive" "$1: work -> mail still works"
	ok "$(kill -0 "$(cat "$TB/pids/policy")"; echo $?)" "$1: the policy daemon is still running"
}

wait_daemon_end() { # the pair of VM evil ends when its daemon does (the hostile agent is killed)
	local pid i
	pid=$(cat "$TB/pids/vm-evil")
	for i in $(seq 100); do
		pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain evil " >/dev/null || break
		sleep 0.05
	done
	! pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain evil " >/dev/null
}

for mode in garbage truncated oversize unknown-type flood window overgrant double-eof; do
	tb_stop_vm evil
	: >"$TB/log/evil.log"
	TB_AGENT_CMD="$HOSTILE $mode" tb_start_vm evil
	wait_daemon_end
	ok $? "$mode: evil's daemon ends"
	like "$(cat "$TB/log/evil.log")" "Protocol violation by VM evil|closed its channel" "$mode: the reason is logged"
	still_works "$mode"
	ok "$(tb_vm_alive work; echo $?)" "$mode: work (the target of evil's calls) is unharmed"
done

# Never reading: calls into evil cannot complete, but nothing else suffers and memory stays
# bounded (credit windows) even while another VM pushes data at it.
tb_stop_vm evil
TB_AGENT_CMD="$HOSTILE noread" tb_start_vm evil
head -c 50000000 /dev/zero | timeout 3 bash -c '. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"; TB='"$TB"'; tb_run work qrexec-client-vm evil test.Echo' >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "noread: a call into a VM that never reads does not complete"
rss=$(ps -o rss= -p "$(pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain evil " | head -1)" 2>/dev/null || echo 0)
ok "$([ "${rss:-0}" -lt 65536 ]; echo $?)" "noread: evil's daemon stays small (${rss} KiB)"
still_works noread
ok "$(tb_vm_alive mail; echo $?)" "mail's daemon never noticed"
tap_done
