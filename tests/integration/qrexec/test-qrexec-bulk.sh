#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: 1 GiB through one call in both directions at once, with digests taken where
# the bytes start, where the service receives them, and where they come back.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
SIZE_MIB=${QREXEC_BULK_MIB:-1024}

tb_init
tb_vm work
tb_vm mail
tb_policy 50-test 'test.CatDigest * work mail allow'
# The service digests what it receives and sends every byte back.
tb_service mail test.CatDigest "f=\$(mktemp -u); mkfifo \"\$f\"
md5sum <\"\$f\" >'$TB/service.sum' & tee \"\$f\"; wait; rm -f \"\$f\""
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

# Non-trivial data: 1 MiB of random bytes, repeated.
head -c 1048576 /dev/urandom >"$TB/block"
gen() { for _ in $(seq "$SIZE_MIB"); do cat "$TB/block"; done; }
mkfifo "$TB/in.fifo"
md5sum <"$TB/in.fifo" >"$TB/in.sum" &
digest_pid=$!
start=$(date +%s.%N)
gen | tee "$TB/in.fifo" | tb_run work qrexec-client-vm mail test.CatDigest | md5sum >"$TB/out.sum"
status=${PIPESTATUS[2]}
end=$(date +%s.%N)
wait "$digest_pid"
is "$status" 0 "the call ends with the service's status 0"
in=$(cut -d' ' -f1 "$TB/in.sum")
is "$(cut -d' ' -f1 "$TB/service.sum")" "$in" "${SIZE_MIB} MiB: the service's digest matches the sender's"
is "$(cut -d' ' -f1 "$TB/out.sum")" "$in" "${SIZE_MIB} MiB: the digest of what came back matches"
diag "$(awk -v s="$start" -v e="$end" -v m="$SIZE_MIB" 'BEGIN { printf "%.0f MiB/s each way, digests included", m / (e - s) }')"
tap_done
