#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: qrexec call latency and throughput between two process VMs, against the raw
# transport measured in the same run (see qrexec-bench.c). `meson test --benchmark --suite bench`.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
BENCH=$BULKHEAD_BUILD_ROOT/tests/bench/qrexec/qrexec-bench

tb_init
tb_vm work
tb_vm mail
tb_policy 50-bench 'bench.True    * work mail allow
bench.Null    * work mail allow
bench.Sink    * work mail allow
bench.Source  * work mail allow
bench.Denied  * work mail deny
bench.ExecSink    * work mail allow
bench.ExecSource  * work mail allow'
ln -s /bin/true "$TB/vm/mail/rpc/bench.True"
tb_service mail bench.ExecSink 'exec cat >/dev/null'
tb_service mail bench.ExecSource "exec head -c $((${QREXEC_BENCH_MIB:-1024} << 20)) /dev/zero"
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }
tb_run work "$BENCH" mail "$TB/vm/mail/rpc" "${QREXEC_BENCH_MIB:-1024}"
