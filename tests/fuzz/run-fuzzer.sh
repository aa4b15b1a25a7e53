#!/bin/sh
# Run one libFuzzer target for a bounded time on a scratch copy of its committed corpus,
# and report the run as one TAP test. A crash leaves its input in the scratch dir and in the log.
set -u
exe=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/corpus"
if "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1; then
	echo "ok 1 - $(basename "$exe") ran ${seconds}s without a crash"
	tail -n 2 "$work/log" | sed 's/^/# /'
else
	echo "not ok 1 - $(basename "$exe") found a crash"
	tail -n 40 "$work/log" | sed 's/^/# /'
	for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$f" ] && echo "# input: $(od -An -c "$f" | head -5 | tr -s ' ')"
	done
fi
echo "1..1"
