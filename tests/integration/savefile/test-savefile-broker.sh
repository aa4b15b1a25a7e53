#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: save a file into another VM through the real broker between process VMs.
# vm-save-to in "work" calls bulkhead.SaveFile in "personal"; personal's save dialog (a real
# GTK window on personal's own Xvfb) is answered with xdotool as its user would; the file lands
# where that dialog said, whole, and work learns only "saved" or "cancelled". A denied call
# never shows a dialog; hostile headers and cut streams leave nothing behind.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
SF=$BULKHEAD_BUILD_ROOT/savefile
VMCTL=$BULKHEAD_BUILD_ROOT/admin-cli/vmctl
for tool in Xvfb xdotool xwininfo; do command -v $tool >/dev/null || skip_all "$tool not installed"; done

tb_init
tb_vm work
tb_vm personal --xvfb --label green
tb_vm mail --xvfb
tb_policy 50-savefile 'bulkhead.SaveFile  *  work  personal  allow
bulkhead.SaveFile  *  work  mail      deny'
for vm in personal mail; do
	ln -sf "$SF/bulkhead.SaveFile" "$TB/vm/$vm/rpc/bulkhead.SaveFile"
	for v in GTK_THEME=Adwaita NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory \
		BULKHEAD_SAVEFILE_DEBUG=1; do
		tb_vm_setenv "$vm" "$v"
	done
done
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

W=$TB/vm/work/home
P=$TB/vm/personal/home
mkdir -p "$P/Documents"
head -c 3000000 /dev/urandom >"$W/report.bin"

# dialog VM: the id of VM's save dialog for a file from work, once it is shown (30 s).
dialog() {
	DISPLAY=$(tb_display "$1") timeout 30 xdotool search --sync --onlyvisible \
		--name '^Save file from work$' 2>/dev/null | head -n1
}
# xd VM ARGS...: xdotool on VM's display, as that VM's user at its keyboard.
xd() {
	local vm=$1
	shift
	DISPLAY=$(tb_display "$vm") xdotool "$@"
}
# choose VM WID PATH: type PATH into the dialog's name field and press Return.
choose() {
	xd "$1" windowfocus --sync "$2" && sleep 0.3
	xd "$1" key --clearmodifiers ctrl+a
	xd "$1" type --delay 20 "$3"
	sleep 0.3
	xd "$1" key --clearmodifiers Return
}
# save_bg FILE [ARGS...]: vm-save-to in work, in the background; its pid in $SAVE_PID.
save_bg() {
	tb_run work "$SF/vm-save-to" "$@" >"$TB/out" 2>"$TB/err" &
	SAVE_PID=$!
}
# everything in personal's home, hidden files too (a leftover temporary file would show here)
listing() { (cd "$P" && find . | LC_ALL=C sort); }

# 1. Saved where personal's dialog said, byte for byte.
save_bg --vm personal "$W/report.bin"
wid=$(dialog personal)
ok "$([ -n "$wid" ]; echo $?)" "personal shows a save dialog titled 'Save file from work' on its own display"
is "$(xd personal getwindowname "$wid" 2>/dev/null)" "Save file from work" "  (nothing of it on work's side)"
choose personal "$wid" "$P/Documents/kept.bin"
wait "$SAVE_PID"
is "$?" 0 "vm-save-to --vm personal FILE exits 0 once personal's user chose a place"
diag "$(cat "$TB/err" "$TB/out")"
cmp -s "$W/report.bin" "$P/Documents/kept.bin"
ok $? "  the file is in personal's Documents under the chosen name, byte for byte"
like "$(cat "$TB/err")" "saved in the other VM" "  work is told it was saved"
ok "$(grep -q Documents "$TB/err" "$TB/out"; [ $? -ne 0 ]; echo $?)" "  and never where"
ok "$([ -z "$(find "$P" -name '.bulkhead-*')" ]; echo $?)" "  no temporary file is left"

# 2. The same place again: the dialog asks before replacing, and only a yes replaces.
printf 'new contents\n' >"$W/kept.bin"
save_bg --vm personal "$W/kept.bin"
wid=$(dialog personal)
choose personal "$wid" "$P/Documents/kept.bin"
confirm=""
for _ in $(seq 50); do
	confirm=$(xd personal search --onlyvisible --name '.' 2>/dev/null | while read -r w; do
		[ "$w" != "$wid" ] && xd personal getwindowname "$w" 2>/dev/null; done | head -n1)
	xwininfo -display "$(tb_display personal)" -root -tree 2>/dev/null | grep -q 'already exists' && break
	sleep 0.2
done
sleep 1
# GTK's overwrite confirmation: Escape says no, and the dialog stays for another choice.
xd personal key --clearmodifiers Escape
sleep 1
cmp -s "$W/report.bin" "$P/Documents/kept.bin"
ok $? "an existing file is not replaced when its user says no to 'replace?'"
choose personal "$wid" "$P/Documents/kept.bin"
sleep 2
xd personal key --clearmodifiers alt+r
wait "$SAVE_PID"
is "$?" 0 "  but is replaced when they confirm it"
diag "$(cat "$TB/err")"
cmp -s "$W/kept.bin" "$P/Documents/kept.bin"
ok $? "  with the new contents"

# 3. Cancelled in personal: nothing is written, work hears "cancelled".
before=$(listing)
save_bg --vm personal "$W/report.bin"
wid=$(dialog personal)
xd personal windowfocus --sync "$wid"
sleep 0.3
xd personal key --clearmodifiers Escape
wait "$SAVE_PID"
is "$?" 1 "cancelling personal's dialog ends vm-save-to with status 1"
like "$(cat "$TB/err")" "cancelled in the other VM" "  work is told it was cancelled"
is "$(listing)" "$before" "  and nothing was written in personal"

# 4. Denied by policy: no dialog at all.
save_bg --vm mail "$W/report.bin"
wait "$SAVE_PID"
is "$?" 126 "a save into mail, which the policy denies, fails with 126"
like "$(cat "$TB/err")" "[Rr]efused|[Dd]enied" "  and says it was refused"
sleep 1
is "$(xd mail search --onlyvisible --name 'Save file' 2>/dev/null | wc -l)" 0 "  mail never shows a dialog"
ok "$([ ! -e "$TB/vm/mail/home/Documents" ] && [ -z "$(find "$TB/vm/mail/home" -newer "$W/report.bin" -type f)" ]; echo $?)" \
	"  and nothing is written in mail"

# 5. Hostile sources: raw headers through qrexec-client-vm.
le() { # le VALUE BYTES: VALUE little-endian
	local v=$1 i
	for ((i = 0; i < $2; i++)); do
		printf "\\x$(printf %02x $((v & 255)))"
		v=$((v >> 8))
	done
}
hdr() { # hdr VERSION NAME SIZE
	le "$1" 4
	le "${#2}" 4 # bash counts characters; the names below are ASCII
	le "$3" 8
	printf '%s' "$2"
}
raw() { # raw: the bytes on stdin to personal's bulkhead.SaveFile; the reply on stdout, and
	# what the service said on its stderr (the broker hands it to the caller) in $TB/raw.err
	tb_run work qrexec-client-vm personal bulkhead.SaveFile 2>"$TB/raw.err"
}
before=$(listing)
for case in "a/b:a name with a slash" "..:the name '..'" "$(printf 'x\033y'):a control character"; do
	name=${case%%:*}
	is "$(hdr 1 "$name" 5 | cat - <(printf 'hello') | raw)" "refused" "$(printf '%s' "${case#*:}") is refused"
done
like "$(cat "$TB/raw.err")" "name is empty, contains '/'" "  with a sentence that says why"
is "$(hdr 1 big.iso 100000000000 | raw)" "refused" "a claimed size of 100 GB is refused"
like "$(cat "$TB/raw.err")" "declares 100000000000 bytes, over the limit" "  and the sender is told why"
is "$(hdr 2 new.txt 5 | cat - <(printf 'hello') | raw)" "refused" "another protocol version is refused"
is "$(printf '\001\000\000' | raw)" "refused" "a stream that ends inside the header is refused"
is "$(xd personal search --onlyvisible --name 'Save file' 2>/dev/null | wc -l)" 0 "  none of them showed a dialog"
is "$(listing)" "$before" "  and none left anything in personal"

# A stream that stops halfway: the dialog is answered, and still nothing appears.
{ hdr 1 half.bin 1000000; head -c 500000 /dev/zero; } >"$TB/half"
raw <"$TB/half" >"$TB/half.reply" 2>/dev/null &
RAW_PID=$!
wid=$(dialog personal)
choose personal "$wid" "$P/Documents/half.bin"
wait "$RAW_PID"
is "$(cat "$TB/half.reply")" "failed" "a stream that stops halfway gets 'failed'"
ok "$([ ! -e "$P/Documents/half.bin" ] && [ -z "$(find "$P" -name '.bulkhead-*')" ]; echo $?)" \
	"  and leaves no file, whole or partial, behind"
like "$(cat "$TB/raw.err")" "ended after 500000 of 1000000 bytes: nothing was saved" \
	"  and says how much arrived"
diag "$(cat "$TB/raw.err")"
wid=$(DISPLAY=$(tb_display personal) timeout 30 xdotool search --sync --onlyvisible \
	--name '^File from work not saved$' 2>/dev/null | head -n1)
ok "$([ -n "$wid" ]; echo $?)" "  and personal's user, who chose a place, is told it was not saved"
[ -n "$wid" ] && xd personal windowfocus --sync "$wid" && xd personal key --clearmodifiers Return

# 6. The shipped default policy asks (and never offers the admin VM).
is "$("$VMCTL" policy eval --policy-dir "$BULKHEAD_SOURCE_ROOT/savefile" \
	--system-info "$TB/system-info.json" bulkhead.SaveFile work @default | sed -n 's/^result: //p')" \
	"ask" "the shipped 80-savefile.policy asks where to save"
is "$("$VMCTL" policy eval --policy-dir "$BULKHEAD_SOURCE_ROOT/savefile" \
	--system-info "$TB/system-info.json" bulkhead.SaveFile work dom0 | sed -n 's/^result: //p')" \
	"deny" "  and denies the admin VM"
ok "$(! grep -qE 'Sanitizer|runtime error' "$TB"/log/*.log; echo $?)" "no sanitizer report in any VM's log"
tap_done
