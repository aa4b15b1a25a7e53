#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The inter-VM clipboard end to end on process VMs: a host Xvfb and one Xvfb per VM ("work",
# "personal"), each VM's gui-agent and guid, the real policy daemon with a policy directory,
# and a private session bus whose notifications dbus-monitor records. Ctrl+Shift+C and
# Ctrl+Shift+V are pressed on the host windows with xdotool (XTEST), as a user would.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
for tool in Xvfb xdotool xclip xterm dbus-daemon dbus-monitor convert cmp; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
[ -x "$BULKHEAD_BUILD_ROOT/qrexec/qrexec-policy-daemon" ] || skip_all "no qrexec-policy-daemon"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
tb_init || skip_all "cannot set up the test bed"
work=$TB
. "$GUID_TEST_LIB" # wait_for, window_id
export NO_AT_BRIDGE=1

tb_vm work --xvfb --label blue || skip_all "Xvfb does not start"
tb_vm personal --xvfb --label orange
mkdir -p "$TB/vm/.host"
tb_start_xvfb .host
HOST=$(tb_display .host) VMW=$(tb_display work) VMP=$(tb_display personal)

deny_all() {
	tb_policy 50-clipboard 'bulkhead.ClipboardPaste * @anyvm @anyvm deny'
	sleep 0.3 # inotify reload
}
allow_work_to_personal() {
	tb_policy 50-clipboard 'bulkhead.ClipboardPaste * work personal allow
bulkhead.ClipboardPaste * @anyvm @anyvm deny'
	sleep 0.3
}
deny_all
tb_start_policy || skip_all "the policy daemon does not start"
tb_bg monitor sh -c "exec dbus-monitor --session \
	\"type='method_call',interface='org.freedesktop.Notifications'\" >'$TB/notify.log' 2>&1"

# Each VM has an xterm whose shell copies every byte it reads into a file, raw: a forwarded
# Ctrl+Shift+C/V would show up there (as ^C/^V or c/v).
for vm in work personal; do
	: >"$TB/typed-$vm"
	tb_bg "xterm-$vm" env DISPLAY="$(tb_display $vm)" xterm -geometry 50x8+10+10 -T typed \
		-e sh -c "stty raw -echo; exec cat >'$TB/typed-$vm'"
done

# start_gui VM LABEL: the VM's agent and its guid, connected by a socketpair.
start_gui() {
	local vm=$1 p
	"$PAIR_RUN" "$TB/gui-$vm.pids" "$GUI_AGENT" --channel fd:3 --display "$(tb_display "$vm")" \
		-- "$GUID" --domain "$vm" --label "$2" --channel fd:3 --display "$HOST" \
		2>>"$TB/log/gui-$vm.log" &
	echo $! >"$TB/pids/extra-pair-$vm"
	wait_for test -s "$TB/gui-$vm.pids" || return 1
	for p in $(cat "$TB/gui-$vm.pids"); do echo "$p" >"$TB/pids/extra-gui-$vm-$p"; done
}
start_gui work blue && start_gui personal orange || skip_all "guid does not start"
for vm in work personal; do
	window_id "$HOST" "^\\[$vm\\] typed\$" >"$TB/win-$vm" || skip_all "no host window for $vm"
done

# press VM KEYS: on the VM's host window, through XTEST like a real keyboard.
press() {
	DISPLAY=$HOST xdotool windowfocus --sync "$(cat "$TB/win-$1")" key "$2"
}
# vm_own VM FILE [TARGET]: a program in the VM (xclip) owns its CLIPBOARD with FILE. Waits
# until the selection reads back as FILE: the last owner may offer the same target, so the
# target list alone does not tell that the new owner has taken over.
vm_own() {
	local vm=$1
	tb_bg "xclip-$vm" xclip -quiet -display "$(tb_display "$vm")" -selection clipboard \
		-t "${3:-UTF8_STRING}" -i "$2" >/dev/null 2>&1
	wait_for sh -c "timeout 5 xclip -display $(tb_display "$vm") -selection clipboard \
		-t '${3:-UTF8_STRING}' -o 2>/dev/null | cmp -s - '$2'"
}
vm_read() { # vm_read VM [SELECTION [TARGET]]: an owner that never answers fails, not hangs
	timeout 5 xclip -display "$(tb_display "$1")" -selection "${2:-clipboard}" -t "${3:-UTF8_STRING}" -o 2>/dev/null
}
show() { "$VMCTL" clipboard show --json | sed 's/,"copied_usec.*//'; }
notified() { wait_for grep -qF "string \"$1\"" "$TB/notify.log"; }
# notified_times TEXT N: at least N notifications so far hold TEXT (for the same text twice).
notified_times() { [ "$(grep -cF "$1" "$TB/notify.log")" -ge "$2" ]; }
vm_has() { [ "$(vm_read "$1")" = "$2" ]; }
guid_log_has() { wait_for grep -qF "$2" "$TB/log/gui-$1.log"; }

# 1. Copy text in work.
printf 'report for Q3\n\tsee attached: ünïcödé' >"$TB/text"
size=$(stat -c %s "$TB/text")
vm_own work "$TB/text"
printf 'personal notes' >"$TB/pnotes"
vm_own personal "$TB/pnotes"
press work ctrl+shift+c
wait_for sh -c "$VMCTL clipboard show --json | grep -q '\"source\":\"work\"'"
is "$(show)" "{\"empty\":false,\"source\":\"work\",\"type\":\"text/plain;charset=utf-8\",\"size\":$size" \
	"Ctrl+Shift+C on work's window: vmctl clipboard show has work's text (source, type, size)"
notified "Copied $size bytes from work"
ok $? "notification: Copied $size bytes from work"

# 2. Denied: nothing reaches personal, the global clipboard stays.
press personal ctrl+shift+v
notified "Nothing pasted from work into personal: refused by policy; the global clipboard is unchanged"
ok $? "policy deny: a notification says the paste was refused"
sleep 0.3
is "$(vm_read personal)" "personal notes" "  personal's clipboard is unchanged"
like "$(show)" '"source":"work"' "  the global clipboard still holds work's text"
grep -q '"service":"bulkhead.ClipboardPaste".*"decision":"deny"\|"decision":"deny".*bulkhead.ClipboardPaste' \
	"$TB/state/audit.log"
ok $? "  the policy daemon's audit log has the denial"

# 3. Allowed: personal owns CLIPBOARD and PRIMARY with the text; the store is wiped.
allow_work_to_personal
press personal ctrl+shift+v
wait_for vm_has personal "$(cat "$TB/text")"
ok $? "policy allow: xclip -o in personal reads exactly work's text"
is "$(vm_read personal primary)" "$(cat "$TB/text")" "  PRIMARY too"
notified "Pasted $size bytes into personal; global clipboard wiped"
ok $? "notification: Pasted $size bytes into personal; global clipboard wiped"
is "$(show)" '{"empty":true}' "vmctl clipboard show: empty after the paste"
press personal ctrl+shift+v
notified "Nothing pasted: the global clipboard is empty"
ok $? "a second Ctrl+Shift+V pastes nothing (notification says the clipboard is empty)"
is "$(vm_read personal)" "$(cat "$TB/text")" "  personal's clipboard is what the first paste put there"

# 4. Copying back from personal (whose agent owns the selection itself) works too.
press personal ctrl+shift+c
wait_for sh -c "$VMCTL clipboard show --json | grep -q '\"source\":\"personal\"'"
like "$(show)" "\"source\":\"personal\",\"type\":\"text/plain;charset=utf-8\",\"size\":$size" \
	"a copy from the VM whose agent owns the clipboard (its last paste) is labelled personal"
"$VMCTL" clipboard clear >/dev/null

# 5. Refusals: over the limit, control characters, invalid UTF-8. The store stays as it was.
printf 'small' >"$TB/small"
vm_own work "$TB/small"
press work ctrl+shift+c
wait_for sh -c "$VMCTL clipboard show --json | grep -q '\"size\":5'"
like "$(show)" '"source":"work","type":"text/plain;charset=utf-8","size":5' "a small text is copied"
head -c 300000 /dev/zero | tr '\0' 'x' >"$TB/big"
vm_own work "$TB/big"
press work ctrl+shift+c
notified "Nothing copied from work: the text is over the size limit"
ok $? "300000 bytes of text (over the 256 KiB cap): refused with a notification"
like "$(show)" '"size":5' "  the global clipboard is unchanged"
printf 'ls\033]0;owned\007\033[31m red' >"$TB/escape"
vm_own work "$TB/escape"
press work ctrl+shift+c
notified "Nothing copied from work: the text is not valid UTF-8 or holds control characters"
ok $? "terminal escape sequences: refused with a notification"
like "$(show)" '"size":5' "  the global clipboard is unchanged"
printf 'caf\xe9 \xff\xfe' >"$TB/latin1"
vm_own work "$TB/latin1"
seen=$(grep -cF 'not valid UTF-8' "$TB/notify.log")
press work ctrl+shift+c
wait_for notified_times 'not valid UTF-8' $((seen + 1))
ok $? "invalid UTF-8: refused with a notification"
like "$(show)" '"size":5' "  the global clipboard is unchanged"

# 6. An image, byte for byte.
convert -size 64x48 gradient:red-blue "$TB/in.png"
psize=$(stat -c %s "$TB/in.png")
vm_own work "$TB/in.png" image/png
press work ctrl+shift+c
wait_for sh -c "$VMCTL clipboard show --json | grep -q image/png"
like "$(show)" "\"source\":\"work\",\"type\":\"image/png\",\"size\":$psize" "an image/png is copied from work"
press personal ctrl+shift+v
have_png() {
	vm_read personal clipboard image/png >"$TB/out.png" && cmp -s "$TB/in.png" "$TB/out.png"
}
wait_for have_png
ok $? "  and pasted into personal byte for byte (xclip -t image/png -o)"
is "$(show)" '{"empty":true}' "  the global clipboard is wiped"
# A photo-sized one: INCR transfers in the VMs, a paste larger than guid's 1 MiB output bound.
convert -size 1000x800 xc: +noise Random "$TB/in.png"
psize=$(stat -c %s "$TB/in.png")
vm_own work "$TB/in.png" image/png
press work ctrl+shift+c
wait_for sh -c "$VMCTL clipboard show --json | grep -q '\"size\":$psize'"
ok $? "a $psize-byte image/png is copied from work"
press personal ctrl+shift+v
wait_for have_png
ok $? "  and pasted into personal byte for byte"

# 7. The keys never reached either VM, while ordinary typing does: each raw xterm read exactly
# what was typed after all the clipboard keys, nothing before it.
for vm in work personal; do
	DISPLAY=$HOST xdotool windowfocus --sync "$(cat "$TB/win-$vm")" type "typed"
	wait_for grep -q typed "$TB/typed-$vm"
	is "$(cat "$TB/typed-$vm")" "typed" "Ctrl+Shift+C/V never reached $vm (its xterm read only what was typed)"
done
# 8. A hostile agent: more than the hard cap, or data nobody asked for, is a protocol violation
# that ends only that VM's guid. The "agent" is a shell writing raw messages on its channel
# (octal escapes: what printf in any sh understands).
VERSION='\001\000\000\000\000\000\000\000\004\000\000\000\001\000\001\000'
hostile() { # hostile NAME BYTES: a guid for VM NAME whose agent sends VERSION, then BYTES
	"$PAIR_RUN" "$TB/gui-$1.pids" sh -c "printf '$VERSION$2' >&3; exec sleep 30" -- \
		"$GUID" --domain "$1" --label red --channel fd:3 --display "$HOST" \
		2>>"$TB/log/gui-$1.log" &
	echo $! >"$TB/pids/extra-pair-$1"
	wait_for test -s "$TB/gui-$1.pids"
	for p in $(cat "$TB/gui-$1.pids"); do echo "$p" >"$TB/pids/extra-gui-$1-$p"; done
	guid_gone() { ! kill -0 "$(cut -d' ' -f2 "$TB/gui-$1.pids")" 2>/dev/null; }
	wait_for guid_gone "$1"
}
# CLIPBOARD_DATA (27) announcing 8 + 16 MiB + 1 bytes.
hostile evil1 '\033\000\000\000\000\000\000\000\011\000\000\001\001\000\000\000\000\000\000\000'
ok $? "an agent sending more than the 16 MiB hard cap: its guid exits"
grep -q "Protocol violation: message over" "$TB/log/gui-evil1.log"
ok $? "  with a protocol-violation log line"
hostile evil2 '\033\000\000\000\000\000\000\000\013\000\000\000\001\000\000\000\000\000\000\000abc'
ok $? "an agent sending clipboard data nobody asked for: its guid exits"
grep -q "Protocol violation: clipboard data nobody asked for" "$TB/log/gui-evil2.log"
ok $? "  with a protocol-violation log line"
like "$(show)" '"empty":true' "  and the global clipboard is untouched"
for vm in work personal; do
	kill -0 $(cut -d' ' -f2 "$TB/gui-$vm.pids") 2>/dev/null
	ok $? "$vm's guid is unaffected"
done

# 9. ask: the policy daemon asks the user (a scripted agent on the private bus answers "allow
# personal" after 2 s), and guid keeps serving personal's windows while the question is open.
RESPONDER=$BULKHEAD_BUILD_ROOT/tests/integration/qrexec/ask-responder
if [ -x "$RESPONDER" ]; then
	tb_policy 50-clipboard 'bulkhead.ClipboardPaste * work personal ask'
	sleep 0.3
	ASK_RESPONDER_DELAY=2 tb_bg ask "$RESPONDER" allow personal "$TB/ask.log" "$TB/ask.ready"
	wait_for test -e "$TB/ask.ready"
	printf 'asked for' >"$TB/asked"
	vm_own work "$TB/asked"
	press work ctrl+shift+c
	wait_for sh -c "$VMCTL clipboard show --json | grep -q '\"size\":9'"
	press personal ctrl+shift+v
	DISPLAY=$HOST xdotool windowfocus --sync "$(cat "$TB/win-personal")" type "during"
	wait_for grep -q during "$TB/typed-personal"
	ok $? "ask: typing reaches personal while the question is open"
	[ "$(vm_read personal)" != "asked for" ]
	ok $? "  and nothing is pasted before the answer"
	wait_for vm_has personal "asked for"
	ok $? "  answered allow: pasted into personal"
	grep -Eq '^work bulkhead\.ClipboardPaste +personal' "$TB/ask.log"
	ok $? "  the question named source work, service and target personal"
	is "$(show)" '{"empty":true}' "  and the global clipboard is wiped"
fi

tap_done
