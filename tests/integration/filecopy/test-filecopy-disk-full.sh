#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration, fault: the receiving VM's disk fills up during a file copy. The incoming folder
# is a 1 MiB tmpfs (mounting it needs root: skipped otherwise); the stream holds a small file
# that fits, then a 4 MiB one that cannot. The receiver must fail (exit status and reply), keep
# the complete first file, and leave nothing of the second: no partial file under its name, no
# temporary file, nothing hidden. Then, with room again, the same copy succeeds.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
FC=$BULKHEAD_BUILD_ROOT/filecopy

[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP mounting a tmpfs needs root"; exit 77; }
tmp=$(mktemp -d)
mnt=$tmp/incoming
mkdir -p "$mnt" "$tmp/src"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
mount -t tmpfs -o size=1m,mode=0700 bulkhead-test "$mnt" ||
	{ echo "1..0 # SKIP cannot mount a tmpfs here"; exit 77; }

echo "small and complete" >"$tmp/src/a-small"
head -c $((4 * 1024 * 1024)) /dev/urandom >"$tmp/src/b-big"
(cd "$tmp/src" && "$FC/filecopy-send" a-small b-big) >"$tmp/stream" 2>"$tmp/send.log"

"$FC/filecopy-receive" --incoming "$mnt" --source work <"$tmp/stream" >"$tmp/reply" \
	2>"$tmp/receive.log"
status=$?
ok "$([ $status -ne 0 ]; echo $?)" "the receiver fails when the disk fills up (status $status)"
like "$(cat "$tmp/receive.log")" "b-big" "... and names the file it could not write"
is "$(cat "$mnt/work/a-small" 2>/dev/null)" "small and complete" "the file that fitted is complete"
is "$(cd "$mnt/work" && find . -mindepth 1 | sort | tr '\n' ' ')" "./a-small " \
	"nothing of the big file is left: no partial file, no temporary"
like "$(df --output=used -B1 "$mnt" | tail -1)" '^ *[0-9]{1,5}$' "the space the partial file took is free again"

rm -f "$mnt/work/a-small"
umount "$mnt" && mount -t tmpfs -o size=16m,mode=0700 bulkhead-test "$mnt"
"$FC/filecopy-receive" --incoming "$mnt" --source work <"$tmp/stream" >"$tmp/reply" \
	2>"$tmp/receive.log"
is $? 0 "with room, the same stream is received"
ok "$(cmp -s "$tmp/src/b-big" "$mnt/work/b-big"; echo $?)" "... and the big file is whole"
tap_done
