#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: a disposable on request, with the preloaded pool and without it, in one run:
#   service: `vmctl run --dispvm=dvm -- true` until the command has answered;
#   GUI:     `vmctl run --dispvm=dvm -- xterm` until its window is mapped on the host display
#            (x-tool wait-map: the map event itself, not a poll).
# Target (issue 14, TCG here): with the pool, GUI window <= 1.5 s p50 and >= 3x a cold start.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-3}
e2e_skip_unless_possible
[ -x "${BULKHEAD_X_TOOL:-}" ] || skip_all "no x-tool (built with the guid tests)"
for p in Xvfb xterm; do command -v $p >/dev/null || skip_all "$p not installed"; done
export BULKHEAD_GUEST_GUI=1
e2e_host_display
e2e_setup

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
p50() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
disposables() { "$VMCTL" list | awk '$3 == "DispVM" { print $1 }'; }
wait_pool() { # wait_pool N: until N preloaded disposables are paused (120 s)
	for _ in $(seq 1 240); do
		[ "$(grep -c 'is ready (paused)' "$E2E_DIR/bulkheadd.log")" -ge "$1" ] && return 0
		sleep 0.5
	done
	return 1
}
wait_none() { for _ in $(seq 1 300); do [ -z "$(disposables)" ] && return 0; sleep 0.2; done; }

service_once() { # the time to a command's answer in a new disposable, in ms
	local t0=$(date +%s%N)
	timeout 180 "$VMCTL" run --dispvm=dvm -- true 2>/dev/null || echo "fail"
	ms "$t0"
}

gui_once() { # the time to an xterm's window of a new disposable on the host display, in ms
	local t0=$(date +%s%N) title=bench-$RANDOM pid t
	timeout 180 "$VMCTL" run --dispvm=dvm -- xterm -title "$title" >/dev/null 2>&1 &
	pid=$!
	"$BULKHEAD_X_TOOL" wait-map "^\\[disp[0-9]+\\] $title\$" 180 >/dev/null
	t=$(ms "$t0")
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	echo "$t"
}

"$VMCTL" create dvm --label purple >/dev/null && "$VMCTL" prefs dvm preload_dispvm_max 0 &&
	"$VMCTL" prefs dvm template_for_dispvms true
ok $? "a disposable template, no pool"
service_once >/dev/null; wait_none # warm the host's page cache, as any later start finds it

declare -A t
for kind in service gui; do
	t[cold_$kind]=
	for i in $(seq 1 "$ROUNDS"); do
		t[cold_$kind]+=" $(${kind}_once)"
		wait_none
	done
done
"$VMCTL" prefs dvm preload_dispvm_max 1
ready=1
for kind in service gui; do
	t[pool_$kind]=
	for i in $(seq 1 "$ROUNDS"); do
		wait_pool "$ready" || break
		ready=$((ready + 1))
		t[pool_$kind]+=" $(${kind}_once)"
	done
done
for k in cold_service cold_gui pool_service pool_gui; do
	like "${t[$k]}" '^( [0-9]+)+$' "$k: every round completed (ms:${t[$k]})"
done
cs=$(p50 ${t[cold_service]}) cg=$(p50 ${t[cold_gui]}) ps=$(p50 ${t[pool_service]}) pg=$(p50 ${t[pool_gui]})
ok 0 "service answers: cold p50 $cs ms, from the pool p50 $ps ms: $(echo "scale=1; $cs / $ps" | bc)x faster"
ok 0 "GUI window mapped: cold p50 $cg ms, from the pool p50 $pg ms: $(echo "scale=1; $cg / $pg" | bc)x faster (target: <= 1500 ms and >= 3x)"
"$VMCTL" prefs dvm preload_dispvm_max 0
wait_none
e2e_stop_bulkheadd
tap_done
