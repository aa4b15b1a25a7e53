#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: 256 calls in flight from one VM at once all complete; the 257th is refused with
# a clear error while they are open.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
N=256

tb_init
tb_vm work
tb_vm mail
tb_policy 50-test 'test.Hold * work mail allow'
mkdir -p "$TB/started"
# Each call holds until the test releases them all, then echoes its argument. The wait is
# bounded (~150 s, past the test's timeout) so a test killed before teardown does not leave
# 256 polling shells behind.
tb_service mail test.Hold "touch '$TB/started/'\$1; for _ in \$(seq 3000); do [ -e '$TB/release' ] && break; sleep 0.05; done; echo \$1"
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

for i in $(seq $N); do
	tb_run work qrexec-client-vm mail "test.Hold+c$i" </dev/null >"$TB/out.$i" 2>&1 &
	echo $! >>"$TB/clients"
done
for _ in $(seq 400); do
	[ "$(ls "$TB/started" | wc -l)" -ge $N ] && break
	sleep 0.05
done
is "$(ls "$TB/started" | wc -l)" $N "$N calls are running at once"
err=$(tb_run work qrexec-client-vm mail test.Hold+extra </dev/null 2>&1)
is $? 125 "call 257 is refused (125)"
like "$err" "too many calls in flight" "... with a clear error"
touch "$TB/release"
fails=0
for pid in $(cat "$TB/clients"); do wait "$pid" || fails=$((fails + 1)); done
is $fails 0 "all $N calls exit 0"
good=0
for i in $(seq $N); do [ "$(cat "$TB/out.$i")" = "c$i" ] && good=$((good + 1)); done
is $good $N "each call got its own service's output"
out=$(tb_run work qrexec-client-vm mail test.Hold+after </dev/null)
is "$out" "after" "calls work again once the others are done"
tap_done
