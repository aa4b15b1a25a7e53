#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A backup that fills the destination fails with a clear error and leaves the earlier backups
# intact, verifiable and restorable. The destination is a 6 MiB tmpfs made for the test.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "mounting a small filesystem needs root"
MNT=$E2E_DIR/usb
mkdir -p "$MNT"
mount -t tmpfs -o size=6m,mode=0700 bulkhead-test-usb "$MNT" || skip_all "cannot mount a tmpfs"
trap 'st=$?; umount -l "$MNT" 2>/dev/null; (exit $st); e2e_cleanup' EXIT
DEST=$MNT/backups

"$VMCTL" create personal; ok $? "create personal"
put_random personal 10M 2M
bk_create "$DEST" >/dev/null; ok $? "backup #1 fits on the 6 MiB disk"
cp "$(volume personal)" "$E2E_DIR/personal.v1"

put_random personal 40M 8M
err=$(bk_create "$DEST" 2>&1); is $? 1 "backup #2 (8 MiB more) fails"
like "$err" "Cannot write .*/backups/.*: No space left on device" "  saying which file did not fit and why"
is "$(find "$DEST" -name '.tmp-*' | wc -l)" 0 "  and leaves no temporary file"
out=$(bk list "$DEST"); ok $? "list still works"
is "$(echo "$out" | tail -n +2 | wc -l)" 1 "  and shows backup #1 only"
bk verify "$DEST" >/dev/null; ok $? "backup #1 still verifies"
bk restore "$DEST" --rename-prefix r- >/dev/null; ok $? "backup #1 still restores"
same_volume "$E2E_DIR/personal.v1" "$(volume r-personal)"; ok $? "  byte for byte"

tap_done
