#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: vmctl backup against `zstd | cat` of the same volume in the same run.
#   - first backup: throughput as a ratio of `zstd -q -c VOLUME | cat > FILE` (target >= 50 %)
#   - second backup, nothing changed: its time as a share of the first's (target < 10 %); also
#     with --reread, which reads and hashes every byte again (shown, no target)
#   - restore: throughput as a ratio of `zstd -d -c | cat > FILE` (shown)
# The volume is a VM's qcow2 holding BULKHEAD_BENCH_MIB (default 512) MiB: half random bytes
# (media, already compressed data), half the host's shared libraries (compressible code). The
# backup and the baselines write to the same place: $BULKHEAD_BENCH_DIR, else /dev/shm.
# Each time is the best of BULKHEAD_BENCH_ROUNDS (default 2) runs.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"
command -v zstd >/dev/null || skip_all "zstd not installed (the baseline)"
MIB=${BULKHEAD_BENCH_MIB:-512}
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-2}
OUT=$(mktemp -d "${BULKHEAD_BENCH_DIR:-/dev/shm}/bulkhead-bench-backup.XXXXXX")
trap 'st=$?; rm -rf "$OUT"; (exit $st); e2e_cleanup' EXIT

"$VMCTL" create bench >/dev/null && bench_volume bench "$MIB"; ok $? "a VM with a $MIB MiB volume"
VOL=$(volume bench)
SIZE=$(stat -c %s "$VOL")
cat "$VOL" >/dev/null # both sides read it from the page cache

best t_zstd sh -c 'zstd -q -c "$1" | cat >"$2"' sh "$VOL" "$OUT/baseline.zst"
ok $? "baseline: zstd | cat, $(mbs "$SIZE" "$t_zstd") MB/s"

first() { rm -rf "$OUT/dest" "$BULKHEAD_STATE_DIR/backup" && bk_create "$OUT/dest"; }
best t_first first; ok $? "first backup, $(mbs "$SIZE" "$t_first") MB/s"
best t_second bk create "$OUT/dest"; ok $? "unchanged second backup, $((t_second / 1000000)) ms"
best t_reread bk create --reread "$OUT/dest"; ok $? "unchanged backup with --reread, $((t_reread / 1000000)) ms"

best t_unzstd sh -c 'zstd -q -d -c "$1" | cat >"$2"' sh "$OUT/baseline.zst" "$OUT/baseline.raw"
ok $? "baseline: zstd -d | cat, $(mbs "$SIZE" "$t_unzstd") MB/s"
restore() { "$VMCTL" remove r-bench 2>/dev/null; bk restore "$OUT/dest" --rename-prefix r-; }
best t_restore restore; ok $? "restore, $(mbs "$SIZE" "$t_restore") MB/s"
same_volume "$VOL" "$(volume r-bench)"; ok $? "  the restored volume is the original"

first_ratio=$(ratio "$t_zstd" "$t_first")
second_share=$(ratio "$t_second" "$t_first")
diag "volume $((SIZE >> 20)) MiB, stored $(du -sm "$OUT/dest" | cut -f1) MiB; zstd -3 gives $(($(stat -c %s "$OUT/baseline.zst") >> 20)) MiB"
diag "first backup throughput / zstd|cat:      $first_ratio (target >= 0.50)"
diag "unchanged second backup time / first's:  $second_share (target < 0.10)"
diag "unchanged backup with --reread / first's: $(ratio "$t_reread" "$t_first")"
diag "restore throughput / zstd -d|cat:        $(ratio "$t_unzstd" "$t_restore")"
[ "$(echo "$first_ratio >= 0.5" | bc)" = 1 ]; ok $? "first backup at >= 50 % of zstd | cat ($first_ratio)"
[ "$(echo "$second_share < 0.1" | bc)" = 1 ]; ok $? "unchanged second backup in < 10 % of the first's time ($second_share)"
tap_done
