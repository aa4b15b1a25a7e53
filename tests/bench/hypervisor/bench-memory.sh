#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: host memory (PSS of its QEMU process) of one idle 256 MiB VM with the
# memory-saving settings (docs/memory.md) against the same VM without them
# (BULKHEAD_VM_LEAN=0, bulkheadd restarted in between), boots alternating, in one run; and
# the start-to-agent-ready time of both, so a saving that costs boot time shows.
# Target (issue 19): <= 160 MiB PSS per idle VM.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-3}
# Idle: the agent answered, then this long for the guest's trim and the page reports.
SETTLE=${BULKHEAD_BENCH_SETTLE:-12}
MEMORY_MIB=256
e2e_skip_unless_possible
e2e_setup

pss_kib() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup"; }

# parts PID: where the PSS goes, in MiB: guest RAM (the anonymous mapping of its size), the
# kernel and initramfs files QEMU maps, TCG's code cache (the other anonymous mapping that
# holds the most: it is filled whole), and the rest (QEMU's code, heap, threads).
parts() {
	awk -v ram=$((MEMORY_MIB * 1024)) '
		/^[0-9a-f]+-[0-9a-f]+ / { name = $6 }
		/^Size:/ { size = $2 }
		/^Pss:/ {
			total += $2
			if (name == "" && size == ram) guest += $2
			else if (name ~ /\/vmlinux-/) kernel += $2
			else if (name ~ /\/initramfs-/) initrd += $2
			else if (name == "" && $2 > tcg) tcg = $2
		}
		END { printf "guest RAM %d, kernel file %d, initramfs %d, TCG cache %d, QEMU %d",
			guest / 1024, kernel / 1024, initrd / 1024, tcg / 1024,
			(total - guest - kernel - initrd - tcg) / 1024 }' "/proc/$1/smaps"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# with_lean MODE: bulkheadd again, its VMs' XML with the settings (1) or without (0).
with_lean() {
	kill "$BULKHEADD_PID" && wait "$BULKHEADD_PID"
	BULKHEAD_VM_LEAN=$1 e2e_start_bulkheadd
}

# boot_and_measure: one boot; sets ms (start to agent answering) and pss (KiB, idle).
boot_and_measure() {
	local t0 t1 pid
	t0=$(date +%s%N)
	"$VMCTL" start mem || return 1
	timeout 120 "$VMCTL" run mem -- true || return 1
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	sleep "$SETTLE"
	pid=$(e2e_qemu_pids | head -1)
	pss=$(pss_kib "$pid") parts=$(parts "$pid")
	"$VMCTL" shutdown mem --wait
}

"$VMCTL" create mem --memory "$MEMORY_MIB" >/dev/null; ok $? "create mem ($MEMORY_MIB MiB)"
"$VMCTL" start mem && timeout 120 "$VMCTL" run mem -- true && "$VMCTL" shutdown mem --wait
ok $? "warm-up boot (fills the host's page cache, as any second start would find it)"

declare -A pss_of ms_of
for i in $(seq 1 "$ROUNDS"); do
	for mode in 0 1; do
		with_lean "$mode"
		boot_and_measure
		ok $? "round $i, lean=$mode: agent after $ms ms, idle PSS $((pss / 1024)) MiB ($parts)"
		pss_of[$mode]="${pss_of[$mode]:-} $pss" ms_of[$mode]="${ms_of[$mode]:-} $ms"
	done
done
# Two VMs at once: QEMU's code and the kernel and initramfs files are shared, and PSS splits
# them between the two.
"$VMCTL" create mem2 --memory "$MEMORY_MIB" >/dev/null
declare -A pair_of
for mode in 0 1; do
	with_lean "$mode"
	"$VMCTL" start mem && "$VMCTL" start mem2 && timeout 120 "$VMCTL" run mem -- true &&
		timeout 120 "$VMCTL" run mem2 -- true
	ok $? "two VMs, lean=$mode: running"
	sleep "$SETTLE"
	pss=0
	for pid in $(e2e_qemu_pids); do pss=$((pss + $(pss_kib "$pid"))); done
	pair_of[$mode]=$((pss / 2))
	diag "  idle PSS per VM: $((pss / 2048)) MiB"
	"$VMCTL" shutdown mem --wait; "$VMCTL" shutdown mem2 --wait
done
"$VMCTL" remove mem2
base=$(median ${pss_of[0]}) lean=$(median ${pss_of[1]})
base_ms=$(median ${ms_of[0]}) lean_ms=$(median ${ms_of[1]})
"$VMCTL" remove mem
diag "idle PSS, median of $ROUNDS: lean $((lean / 1024)) MiB, baseline $((base / 1024)) MiB:" \
	"ratio $(awk -v a="$lean" -v b="$base" 'BEGIN { printf "%.2f", a / b }')," \
	"$(awk -v a="$lean" -v m="$MEMORY_MIB" 'BEGIN { printf "%.2f", a / 1024 / m }') of the" \
	"guest's RAM (target <= 160 MiB: $([ "$lean" -le $((160 * 1024)) ] && echo met || echo NOT met))"
diag "two VMs at once, idle PSS per VM: lean $((pair_of[1] / 1024)) MiB, baseline" \
	"$((pair_of[0] / 1024)) MiB: ratio $(awk -v a="${pair_of[1]}" -v b="${pair_of[0]}" 'BEGIN { printf "%.2f", a / b }')"
diag "start to agent ready, median: lean $lean_ms ms, baseline $base_ms ms:" \
	"ratio $(awk -v a="$lean_ms" -v b="$base_ms" 'BEGIN { printf "%.2f", a / b }')"
diag "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
tap_done
