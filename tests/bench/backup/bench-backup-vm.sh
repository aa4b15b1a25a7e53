#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: backups into a backup VM (vm:backup:/home/user/bk, through the broker) against
# the same backups into a local directory, in the same run: first backup, unchanged second
# backup and restore, each as a ratio of the local directory's time. One real VM boots (TCG):
# run it under the VM lock (flock /tmp/bulkhead-vm.lock meson test --benchmark backup-vm).
# The volume is BULKHEAD_BENCH_MIB (default 128) MiB, made as bench-backup.sh makes it; each
# time is the best of BULKHEAD_BENCH_ROUNDS (default 2) runs.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
MIB=${BULKHEAD_BENCH_MIB:-128}
ROUNDS=${BULKHEAD_BENCH_ROUNDS:-2}
OUT=$(mktemp -d "${BULKHEAD_BENCH_DIR:-/dev/shm}/bulkhead-bench-backup-vm.XXXXXX")
trap 'st=$?; rm -rf "$OUT"; (exit $st); e2e_cleanup' EXIT
e2e_policy 'bulkhead.Backup  *  dom0  backup  allow'
VMDEST=vm:backup:/home/user/bk

"$VMCTL" create bench >/dev/null && bench_volume bench "$MIB"; ok $? "a VM with a $MIB MiB volume"
"$VMCTL" create backup >/dev/null && "$VMCTL" start backup; ok $? "start the backup VM"
SIZE=$(stat -c %s "$(volume bench)")
cat "$(volume bench)" >/dev/null

# A first backup each round: an empty destination and no high-water mark.
first_dir() { rm -rf "$OUT/dest" "$BULKHEAD_STATE_DIR/backup" && bk_create --vm bench "$OUT/dest"; }
first_vm() {
	timeout 120 "$VMCTL" run backup -- rm -rf /home/user/bk && rm -rf "$BULKHEAD_STATE_DIR/backup" &&
		bk_create --vm bench "$VMDEST"
}
restore() { # restore DEST
	"$VMCTL" remove r-bench 2>/dev/null
	bk restore "$1" --vm bench --rename-prefix r-
}

best t_first_dir first_dir; ok $? "first backup into a directory, $(mbs "$SIZE" "$t_first_dir") MB/s"
best t_first_vm first_vm; ok $? "first backup into the VM, $(mbs "$SIZE" "$t_first_vm") MB/s"
# The high-water mark now belongs to the VM's repository; the directory's gets its own again.
rm -rf "$OUT/dest" && bk_create --vm bench "$OUT/dest" >/dev/null
best t_second_dir bk create --vm bench "$OUT/dest"; ok $? "unchanged second backup into a directory, $((t_second_dir / 1000000)) ms"
best t_second_vm bk create --vm bench "$VMDEST"; ok $? "unchanged second backup into the VM, $((t_second_vm / 1000000)) ms"
best t_restore_dir restore "$OUT/dest"; ok $? "restore from a directory, $(mbs "$SIZE" "$t_restore_dir") MB/s"
best t_restore_vm restore "$VMDEST"; ok $? "restore from the VM, $(mbs "$SIZE" "$t_restore_vm") MB/s"
same_volume "$(volume bench)" "$(volume r-bench)"; ok $? "  the volume restored from the VM is the original"

diag "volume $((SIZE >> 20)) MiB"
diag "first backup throughput, VM / directory:   $(ratio "$t_first_dir" "$t_first_vm")"
diag "unchanged second backup time, VM / dir:    $(ratio "$t_second_vm" "$t_second_dir")"
diag "restore throughput, VM / directory:        $(ratio "$t_restore_dir" "$t_restore_vm")"
"$VMCTL" kill backup
tap_done
