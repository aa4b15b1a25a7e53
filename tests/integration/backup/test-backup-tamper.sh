#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Whoever holds the backup disk may change it. A wrong passphrase, a flipped bit in a chunk, a
# dropped or swapped chunk, a truncated manifest, an older manifest replayed as the latest and
# a rolled-back disk are each detected, and a restore that meets one leaves nothing behind:
# no VM created, no volume left.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"

"$VMCTL" create personal && "$VMCTL" create work; ok $? "create personal and work"
put_random personal 10M 2M && put_random work 10M 2M
bk_create "$DEST" >/dev/null; ok $? "backup #1"
cp -a "$DEST" "$E2E_DIR/dest.v1"
sleep 1.1; touch "$E2E_DIR/marker"; sleep 1.1
put_random work 50M 1M
bk_create "$DEST" >/dev/null; ok $? "backup #2 (1 MiB of work changed)"
vms_before=$(vm_count)
M1=manifests/00000000000000000001 M2=manifests/00000000000000000002

# A copy of DEST to damage; the chunks new in backup #2 hold work's changed MiB, and work is
# restored after personal: damage there proves that personal, already done, is undone.
fresh() { rm -rf "$E2E_DIR/t"; cp -a "$DEST" "$E2E_DIR/t"; }
new_chunks() { find "$E2E_DIR/t/chunks" -type f -newer "$E2E_DIR/marker" | sort; }
flip_bit() { # flip_bit FILE OFFSET
	local b
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

refused() { # refused WHAT MESSAGE-REGEX [PASSPHRASE-FILE]: restore fails, leaves nothing
	local err
	err=$("$VMCTL" backup restore --passphrase-file "${3:-$PASS}" "$E2E_DIR/t" --rename-prefix t- 2>&1)
	is $? 1 "$1: restore fails"
	like "$err" "$2" "  and says why"
	is "$(vm_count)" "$vms_before" "  no VM is created"
	is "$(ls -d "$BULKHEAD_STATE_DIR"/vms/t-* 2>/dev/null | wc -l)" 0 "  no volume is left"
	LAST_ERR=$err
}

fresh
echo 'wrong horse' >"$E2E_DIR/wrong"
refused "wrong passphrase" "Wrong passphrase for .*/t" "$E2E_DIR/wrong"

fresh
[ "$(new_chunks | wc -l)" -ge 2 ]; ok $? "backup #2 wrote new chunks"
flip_bit "$(new_chunks | head -1)" 200
err=$(bk verify "$E2E_DIR/t" 2>&1); is $? 1 "flipped bit: verify fails"
like "$err" "Chunk chunks/[0-9a-f]{2}/[0-9a-f]{64} is damaged" "  naming the chunk"
refused "flipped bit in a chunk" "is damaged or not the chunk it claims to be"
like "$LAST_ERR" "removed VM 't-personal' again" "  personal, restored before work, is removed again"
bk restore "$E2E_DIR/t" 1 --rename-prefix ok- >/dev/null; ok $? "  backup #1, which does not use that chunk, still restores"
"$VMCTL" remove ok-personal && "$VMCTL" remove ok-work

fresh
rm "$(new_chunks | head -1)"
refused "dropped chunk" "Chunk chunks/.* is missing"

fresh
cp "$(new_chunks | tail -1)" "$(new_chunks | head -1)"
refused "swapped chunk" "is damaged or not the chunk it claims to be"

fresh
truncate -s -100 "$E2E_DIR/t/$M2"
refused "truncated manifest" "Backup #2 .* was altered, truncated or replaced"
err=$(bk list "$E2E_DIR/t" 2>&1); is $? 1 "  list fails too"

fresh
cp "$E2E_DIR/t/$M1" "$E2E_DIR/t/$M2"
refused "old manifest replayed as #2" "Backup #2 .* was altered, truncated or replaced"

fresh
cp "$E2E_DIR/dest.v1/latest" "$E2E_DIR/t/latest"
refused "old latest pointer replayed" "rolled back: its latest backup is #1, but this host made or saw #2"

rm -rf "$E2E_DIR/t"; cp -a "$E2E_DIR/dest.v1" "$E2E_DIR/t"
refused "whole disk rolled back to backup #1" "rolled back: its latest backup is #1"

fresh
printf '\x02' | dd of="$E2E_DIR/t/header" bs=1 seek=16 conv=notrunc status=none
refused "header's KDF cost changed" "Wrong passphrase .*or its header was altered"

fresh
rm "$E2E_DIR/t/latest"
refused "latest pointer deleted" "latest is missing but the repository has backups"

bk verify "$DEST" >/dev/null; ok $? "the untouched DEST still verifies"
tap_done
