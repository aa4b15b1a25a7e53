#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: a "VM" display and a host display (Xvfb), gui-agent and guid between them, and
# bench-guid measuring full-window 1920x1080 updates against a raw socket copy.
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
"$BENCH_GUID" "$VM" "$HOST"
status=$?
sed 's/^/# /' "$work/bench.log"
exit $status
