#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: `vmctl start` to the guest's agent answering a command (vmctl run -- true), and
# the host memory of one running VM (QEMU's RSS and PSS), over a few boots of one VM.
# Targets (issues 5 and 19, TCG here): agent ready p50 within 2.5 s; an app VM at most 256 MiB
# guest RAM. Each boot's line carries the guest init's stages (docs/vm-boot.md).
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-5}
e2e_skip_unless_possible
e2e_setup

kib() { # kib PID FIELD: a field of /proc/PID/smaps_rollup, in KiB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup"
}

"$VMCTL" create bench --memory 256 >/dev/null; ok $? "create bench (256 MiB)"
"$VMCTL" start bench && timeout 120 "$VMCTL" run bench -- true
ok $? "warm-up boot (fills the host's page cache, as any second start would find it)"
"$VMCTL" shutdown bench --wait
: >"$BULKHEAD_STATE_DIR/vms/bench/console.log"

total=0 times=""
for i in $(seq 1 "$ROUNDS"); do
	t0=$(date +%s%N)
	"$VMCTL" start bench || break
	t1=$(date +%s%N)
	timeout 120 "$VMCTL" run bench -- true || break
	t2=$(date +%s%N)
	guest=$(grep -o 'ready in .*' "$BULKHEAD_STATE_DIR/vms/bench/console.log" | tail -1)
	ok 0 "boot $i: start returned in $(((t1 - t0) / 1000000)) ms, agent answered after $(((t2 - t0) / 1000000)) ms; guest init $guest"
	total=$((total + (t2 - t0) / 1000000)) times="$times $(((t2 - t0) / 1000000))"
	if [ "$i" -eq "$ROUNDS" ]; then
		sleep 5 # let free page reporting return the boot's scratch memory
		pid=$(e2e_qemu_pids | head -1)
		rss=$(kib "$pid" Rss) pss=$(kib "$pid" Pss)
		ok 0 "host memory of a running 256 MiB VM (idle): RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
	fi
	"$VMCTL" shutdown bench --wait || break
done
is "$i" "$ROUNDS" "all $ROUNDS boots completed"

# Two VMs at once: what they share (QEMU's code, the kernel image QEMU maps) shows in PSS.
"$VMCTL" create bench2 --memory 256 >/dev/null
"$VMCTL" start bench && "$VMCTL" start bench2 &&
	timeout 120 "$VMCTL" run bench -- true && timeout 120 "$VMCTL" run bench2 -- true
ok $? "two VMs running"
sleep 5
pss=0
for pid in $(e2e_qemu_pids); do pss=$((pss + $(kib "$pid" Pss))); done
ok 0 "host memory of two running 256 MiB VMs (idle): PSS $((pss / 1024)) MiB in all, $((pss / 2048)) MiB per VM"
"$VMCTL" kill bench; "$VMCTL" kill bench2
wait_state bench2 Halted 30
"$VMCTL" remove bench2
p50=$(printf '%s\n' $times | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
diag "start-to-agent-ready: p50 $p50 ms, mean $((total / ROUNDS)) ms over $ROUNDS boots (target p50 <= 2500 ms under TCG: $([ "$p50" -le 2500 ] && echo met || echo NOT met))"
diag "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$VMCTL" remove bench
tap_done
