#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: download throughput into a `nat` VM (virtio-net, QEMU's stream netdev, net-filter,
# passt, the host's loopback) as a ratio of the same download on the host's loopback, from the
# same HTTP server in the same run. The file is BULKHEAD_BENCH_MIB (default 20) MiB of random
# bytes; every download's SHA-256 must match. Each time is the best of BULKHEAD_BENCH_ROUNDS
# (default 3) downloads.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/net-lib.sh"
MIB=${BULKHEAD_BENCH_MIB:-20}
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-3}
TIMEOUT=${BULKHEAD_BENCH_TIMEOUT:-300} # seconds for one download into the VM
e2e_skip_unless_possible
command -v passt >/dev/null || skip_all "passt not installed"
command -v curl >/dev/null || skip_all "curl not installed (host and guest client)"
[ -x "${BULKHEAD_NET_FILTER:-}" ] || skip_all "net-filter not built"
e2e_setup
trap 'net_cleanup; e2e_cleanup' EXIT

PORT=$(net_free_port)
net_random_file "$E2E_DIR/big.bin" "$MIB" && net_serve "$E2E_DIR" "$PORT"
ok $? "a $MIB MiB random file served on 127.0.0.1:$PORT"
SUM=$(sha256sum "$E2E_DIR/big.bin" | cut -d' ' -f1)
BYTES=$((MIB * 1024 * 1024))

"$VMCTL" create bench --net nat >/dev/null && "$VMCTL" start bench &&
	timeout 120 "$VMCTL" run bench -- true
ok $? "a nat VM is running"

mbs() { echo "scale=1; $BYTES * 1000 / $1" | bc; } # mbs NS -> MB/s
best() { # best VAR WHERE...: the shortest of ROUNDS downloads with the right hash, in ns
	local var=$1 b= out
	shift
	for _ in $(seq 1 "$ROUNDS"); do
		out=$("$@")
		[ "${out#* }" = "$SUM" ] || { diag "download: '$out'"; return 1; }
		[ -z "$b" ] || [ "${out%% *}" -lt "$b" ] && b=${out%% *}
	done
	printf -v "$var" '%s' "$b"
}

best t_host net_download_host "http://127.0.0.1:$PORT/big.bin" 120
ok $? "host loopback: $(mbs "$t_host") MB/s, hash matches"
# Where the VM's downloads spend CPU: QEMU (the guest), net-filter, passt.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
filter=$(pgrep -f "net-filter --domain bench .*$E2E_DIR")
passt=$(pgrep -P "$filter" -f passt)
qemu=$(e2e_qemu_pids | head -1)
declare -A before
for p in $qemu $filter $passt; do before[$p]=$(cpu_ticks "$p"); done
best t_vm net_download_vm bench "http://10.0.2.2:$PORT/big.bin" "$TIMEOUT"
ok $? "nat VM: $(mbs "$t_vm") MB/s, hash matches"
cpu() { echo $((($(cpu_ticks "$1") - before[$1]) * 1000 / $(getconf CLK_TCK) / ROUNDS)); }
diag "CPU per download into the VM: QEMU $(cpu "$qemu") ms, net-filter $(cpu "$filter") ms," \
	"passt $(cpu "$passt") ms"
ratio=$(echo "scale=3; $t_host / $t_vm" | bc)
diag "VM download throughput: ratio $ratio of the host loopback's ($(echo "scale=1; $ratio * 100 / 1" | bc) %)"
diag "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$VMCTL" kill bench
tap_done
