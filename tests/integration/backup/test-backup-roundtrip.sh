#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two VMs backed up and restored byte for byte with their properties and the user's policy;
# a second backup after a 1 MiB change stores about 1 MiB; an unchanged VM is not re-read.
. "$BULKHEAD_SOURCE_ROOT/tests/integration/backup/lib.sh"

"$VMCTL" create work --label blue --memory 384 && "$VMCTL" create personal --label green
ok $? "create work and personal (not started)"
"$VMCTL" prefs work tags "office,mail" && "$VMCTL" prefs personal autostart true
ok $? "  with tags and autostart set"
"$VMCTL" firewall work add deny 10.0.2.2:8080/tcp; ok $? "  and a firewall rule for work"
put_random work 10M 4M && put_random personal 100M 2M
ok $? "write known data into both volumes"
mkdir -p "$XDG_CONFIG_HOME/bulkhead/policy.d"
echo 'bulkhead.OpenURL * work personal allow' >"$XDG_CONFIG_HOME/bulkhead/policy.d/30-user.policy"

# A notification server on the test's bus records what it is shown ("summary|body" lines).
"$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/ask-responder" notify "$E2E_DIR/notes" "$E2E_DIR/notes.ready" &
NOTIFIER_PID=$!
for _ in $(seq 50); do [ -e "$E2E_DIR/notes.ready" ] && break; sleep 0.1; done

out=$(bk_create --json "$DEST"); ok $? "backup create (first)"
like "$out" '"backup": \{"id": 1, "vms": 2' "  is backup #1 of two VMs"
like "$out" '^\{"progress": \{"phase": "backup"' "  --json prints progress lines"
first_stored=$(json_field "$out" new_bytes_stored)
[ "$first_stored" -gt $((6 << 20)) ]; ok $? "  stores the 6 MiB of random data ($first_stored bytes)"
! grep -rqa "office,mail" "$DEST" && ! grep -rqa "30-user" "$DEST" && ! grep -rqa "8080/tcp" "$DEST"
ok $? "  nothing of the properties, firewall or policy names is readable in DEST"
like "$(cat "$E2E_DIR/notes" 2>/dev/null)" "Bulkhead\|Bulkhead: backup done\|Backup #1 of 2 VMs in $DEST" \
	"  and says so in a desktop notification"
cp "$(volume work)" "$E2E_DIR/work.v1"

put_random work 20M 1M
out=$(bk_create --json "$DEST"); ok $? "backup create (after a 1 MiB change in work)"
stored=$(json_field "$out" new_bytes_stored)
diag "second backup stored $stored bytes for a 1 MiB change"
[ "$stored" -ge $((1 << 20)) ] && [ "$stored" -lt $((3 << 20)) ]
ok $? "  stores between 1 and 3 MiB"
is "$(json_field "$out" volumes_unchanged)" 1 "  personal, unchanged, is not read again"

out=$(bk list "$DEST"); ok $? "backup list"
like "$out" '^2 .* personal, work' "  shows backup #2 with both VMs"
like "$(bk list --json "$DEST")" '"name": "work", "size": [0-9]+, "properties": \{"class": "AppVM", "label": "blue"' \
	"  list --json carries the properties"
bk list --json "$DEST" | python3 -m json.tool >/dev/null; ok $? "  list --json is valid JSON"
bk verify --json "$DEST" | while read -r line; do
	printf '%s' "$line" | python3 -m json.tool >/dev/null || exit 1
done
ok $? "  as is every line of verify --json (progress, then the result)"
out=$(bk verify "$DEST"); ok $? "backup verify (all backups)"
like "$out" "Verified backups: 2" "  says so"

bk restore "$DEST" --rename-prefix r- >"$E2E_DIR/out"; ok $? "restore the latest as r-work, r-personal"
same_volume "$(volume work)" "$(volume r-work)"; ok $? "  r-work's volume is work's, byte for byte"
same_volume "$(volume personal)" "$(volume r-personal)"; ok $? "  r-personal's volume is personal's"
is "$("$VMCTL" prefs r-work label) $("$VMCTL" prefs r-work memory) $("$VMCTL" prefs r-work tags)" \
	"blue 384 office,mail" "  r-work has work's label, memory and tags"
is "$("$VMCTL" prefs r-personal autostart)" "true" "  r-personal has personal's autostart"
is "$("$VMCTL" firewall r-work list)" "$("$VMCTL" firewall work list)" "  r-work has work's firewall"
like "$("$VMCTL" firewall r-work list)" "deny +10.0.2.2:8080/tcp" "  (the deny rule included)"

bk restore "$DEST" 1 --vm work --rename-prefix old- >/dev/null; ok $? "restore backup #1's work as old-work"
same_volume "$E2E_DIR/work.v1" "$(volume old-work)"; ok $? "  it is work as it was at backup #1"
[ ! -e "$BULKHEAD_STATE_DIR/vms/old-personal" ]; ok $? "  and only work was restored"

"$VMCTL" remove work && rm -rf "$XDG_CONFIG_HOME/bulkhead/policy.d"
exec 3<"$PASS"
"$VMCTL" backup restore --passphrase-fd 3 "$DEST" --vm work >/dev/null; ok $? "restore work under its own name (passphrase on an fd)"
exec 3<&-
same_volume "$(volume r-work)" "$(volume work)"; ok $? "  its volume is back"
is "$(cat "$XDG_CONFIG_HOME/bulkhead/policy.d/30-user.policy")" 'bulkhead.OpenURL * work personal allow' \
	"  and the user's policy file"
err=$(bk restore "$DEST" --vm work 2>&1); is $? 1 "restoring over an existing VM fails"
like "$err" "VM 'work' already exists" "  naming it"
err=$(bk create "$DEST" --vm nosuch 2>&1); is $? 1 "backing up an unknown VM fails"
like "$err" "VM 'nosuch' does not exist" "  naming it"
err=$(setsid -w "$VMCTL" backup create "$DEST" </dev/null 2>&1); like "$err" "no terminal to ask for the passphrase" \
	"without a terminal or --passphrase-file, no passphrase is guessed"
# On a terminal, the bar with rate and time left (script(1) gives vmctl a pty); 160 MiB take
# long enough for the bar to be drawn (at most every 0.1 s) in any build.
put_random personal 200M 160M
bar=$(script -qec "$VMCTL backup create --vm personal --passphrase-file $PASS --kdf-memory 1M --kdf-ops 1 $E2E_DIR/dest-bar" /dev/null | tr '\r' '\n')
like "$bar" '[0-9]+% \[#* *\] [0-9.]+ [KMG]iB / [0-9.]+ [KMG]iB +[0-9.]+ [KMG]?i?B/s +[0-9:-]+ left' \
	"on a terminal, a progress bar with rate and time left"
like "$bar" 'Backup #1 of 1 VM in' "  then the summary"

kill "$NOTIFIER_PID"
tap_done
