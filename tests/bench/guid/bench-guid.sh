#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: a "VM" display and a host display (Xvfb), gui-agent and guid between them, and
# bench-guid measuring full-window 1920x1080 updates: pixels inline against a raw socket copy,
# then pixels through a shared region (GUID_SHM=1, as with ivshmem) against memcpy, same run.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
command -v Xvfb >/dev/null || skip_all "Xvfb not installed"
work=$(mktemp -d)
guid=$GUID gui_agent=$GUI_AGENT pair_run=$PAIR_RUN
. "$GUID_TEST_LIB"
trap 'guid_cleanup; rm -rf "$work"' EXIT
start_xvfb HOST 2048x1200 || skip_all "Xvfb does not start"
start_xvfb VM 2048x1200
start_vm bench green "$VM" "$HOST"
"$BENCH_GUID" "$VM" "$HOST" >"$work/inline.tap"
status=$?
guid_cleanup
guid_pids=""
start_xvfb HOST 2048x1200 || exit 1
start_xvfb VM 2048x1200
GUID_SHM=1 start_vm bench green "$VM" "$HOST"
"$BENCH_GUID" "$VM" "$HOST" shm >"$work/shm.tap"
status2=$?
# One TAP stream: the two runs' tests numbered on, one plan at the end.
cat "$work/inline.tap" "$work/shm.tap" | awk '
	/^1\.\./ { next }
	/^(not )?ok [0-9]+/ { n++; sub(/ok [0-9]+/, "ok " n) }
	{ print }
	END { print "1.." n }'
sed 's/^/# /' "$work/bench.log"
exit $((status || status2))
