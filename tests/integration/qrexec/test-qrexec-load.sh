#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration, load: 10 process VMs in a ring, each making 256 calls at once to the next (the
# most a VM may have in flight, QREXEC_MAX_CALLS, and the most one VM may receive): every call
# completes or is refused with the documented limit, none fails otherwise. Each target's
# socket service holds its calls until all 256 are open, so they really are concurrent. Then
# the host daemons' peak memory (VmHWM) is printed and held to a bound.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
D=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec
VMS=10
N=256
# Peak RSS bounds per daemon, KiB: generous for ASan's shadow memory and quarantine. meson's
# MALLOC_PERTURB_ writes every allocation (each call's 256 KiB link reader included), which no
# installed daemon does: measure what a user's machine would see.
unset MALLOC_PERTURB_
if nm -D "$TB_QREXEC/qrexec-daemon" 2>/dev/null | grep -q __asan_init; then
	DAEMON_MAX=262144 POLICY_MAX=262144
else
	DAEMON_MAX=81920 POLICY_MAX=16384
fi

tb_init
for i in $(seq 0 $((VMS - 1))); do tb_vm "vm$i"; done
tb_policy 50-load 'test.Sink * @anyvm @anyvm allow'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }
for i in $(seq 0 $((VMS - 1))); do
	tb_bg "sink$i" "$D/load-sink" "$TB/vm/vm$i/rpc/test.Sink" $N
done
for i in $(seq 0 $((VMS - 1))); do tb_wait_socket "$TB/vm/vm$i/rpc/test.Sink"; done

start=$(date +%s%N)
for i in $(seq 0 $((VMS - 1))); do
	env $(tb_vm_env "vm$i") "$D/load-caller" "vm$(((i + 1) % VMS))" test.Sink $N \
		>"$TB/result.$i" 2>>"$TB/log/caller.log" &
	callers="${callers:-} $!"
done
for pid in $callers; do wait "$pid"; done
ms=$((($(date +%s%N) - start) / 1000000))

completed=0 limited=0 other=0
for i in $(seq 0 $((VMS - 1))); do
	read -r _ c _ l _ o <"$TB/result.$i" || o=$N
	completed=$((completed + c)) limited=$((limited + l)) other=$((other + o))
done
diag "$((VMS * N)) calls in $ms ms: $completed completed, $limited refused by the limit, $other otherwise"
is $((completed + limited)) $((VMS * N)) "every call completes or is refused with the documented limit"
is "$other" 0 "no call fails any other way"
ok "$([ "$completed" -ge $((VMS * N / 2)) ]; echo $?)" "most calls complete ($completed)"

hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
max=0 sum=0
for i in $(seq 0 $((VMS - 1))); do
	pid=$(pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain vm$i " | head -1)
	k=$(hwm "$pid")
	sum=$((sum + k))
	[ "$k" -gt "$max" ] && max=$k
done
policy_k=$(hwm "$(cat "$TB/pids/policy")")
diag "peak RSS (VmHWM): qrexec-daemon max $max KiB, all $VMS daemons $sum KiB; qrexec-policy-daemon $policy_k KiB"
ok "$([ "$max" -gt 0 ] && [ "$max" -le $DAEMON_MAX ]; echo $?)" "each qrexec-daemon peaked at most $DAEMON_MAX KiB ($max)"
ok "$([ "$policy_k" -gt 0 ] && [ "$policy_k" -le $POLICY_MAX ]; echo $?)" "the policy daemon peaked at most $POLICY_MAX KiB ($policy_k)"
for i in $(seq 0 $((VMS - 1))); do tb_vm_alive "vm$i" || echo "vm$i" >>"$TB/dead"; done
is "$(cat "$TB/dead" 2>/dev/null)" "" "every VM's daemon is still running"
tap_done
