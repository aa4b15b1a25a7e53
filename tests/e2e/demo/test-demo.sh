#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The demo (./quickstart demo) as a user sees it, run scripted on this test's own Xvfb as the
# host display: claws-mail in the red `mail` VM, a click on its link, and the orange `browser`
# VM's dillo window showing that URL; the policy's decision in the audit log; nothing left
# running after `bulkhead-demo stop`.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
set -u

URL_RE='http://10\.0\.2\.2:[0-9]+/bulkhead-demo/report\.html'
TITLE='Quarterly report \(Bulkhead demo\)' # the page the demo serves on the host's loopback
ORANGE='#F57900' RED='#CC0000' # guid/label.c

command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
ls /boot/vmlinuz-* >/dev/null 2>&1 || skip_all "no kernel in /boot (linux-image-amd64)"
if [ "$(id -u)" -eq 0 ] && ! getent passwd libvirt-qemu >/dev/null; then
	skip_all "as root, libvirt's QEMU driver needs the libvirt-qemu user (libvirt-daemon-system)"
fi
for p in Xvfb xdotool import convert dbus-daemon claws-mail dillo; do
	command -v $p >/dev/null || skip_all "$p not installed"
done
[ -x "$BULKHEAD_DEMO" ] || skip_all "bulkhead-demo not configured"

T=$(mktemp -d /tmp/bh-demo.XXXXXX)
export XDG_STATE_HOME=$T/state XDG_RUNTIME_DIR=$T/xdg BULKHEAD_DEMO_SCREENSHOTS=$T/shots
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS CI
DEMO_DIR=$XDG_STATE_HOME/bulkhead-demo

Xvfb -displayfd 3 -noreset -nolisten tcp -screen 0 1400x900x24 3>"$T/display" >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$T/display" ] && break; sleep 0.1; done
DISPLAY=:$(cat "$T/display")
export DISPLAY
xsetroot -solid '#d0d4d8' 2>/dev/null # the demo's own Xvfb background, for the screenshots

cleanup() {
	local status=$?
	"$BULKHEAD_DEMO" clean >/dev/null 2>&1
	kill "$XVFB_PID" 2>/dev/null
	rm -rf "$T"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# pixel X Y: the colour of one pixel of the host display, as #RRGGBB.
pixel() {
	import -window root -crop "1x1+$1+$2" +repage -depth 8 txt:- 2>/dev/null |
		sed -n '2s/.*\(#[0-9A-F]\{6\}\).*/\1/p'
}

# visible NAME-REGEX: the first visible host window whose title matches, retried for a few
# seconds: windows still closing (bulkhead-settings quits as the demo ends) can make one
# xdotool search fail with BadWindow, which is no answer about the window looked for.
visible() {
	local id i
	for i in $(seq 1 50); do
		id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1)
		[ -n "$id" ] && echo "$id" && return 0
		sleep 0.1
	done
	return 1
}

# frame_colours NAME-REGEX: the colours of the middle of the left, top and bottom frame edges
# of the (visible) host window whose title matches (the demo's browser window covers the mail
# window's right edge).
frame_colours() {
	local id X Y WIDTH HEIGHT
	id=$(visible "$1") || return 1
	eval "$(xdotool getwindowgeometry --shell "$id")"
	echo "$(pixel "$X" $((Y + HEIGHT / 2))) $(pixel $((X + WIDTH / 2)) "$Y")" \
		"$(pixel $((X + WIDTH / 2)) $((Y + HEIGHT - 1)))"
}

t0=$SECONDS
"$BULKHEAD_DEMO" --scripted --keep >"$T/demo.log" 2>&1
status=$?
is "$status" 0 "the scripted demo succeeds ($((SECONDS - t0)) s)"
[ "$status" -eq 0 ] || sed 's/^/#   /' "$T/demo.log"

# What the user sees on the host display.
mail=$(visible '^\[mail\] .*Claws Mail')
[ -n "$mail" ]; ok $? "the mailer's window is on the host display as [mail] ... Claws Mail"
browser=$(visible '^\[browser\] .')
[ -n "$browser" ]; ok $? "the browser's window is on the host display as [browser] ..."
[ -n "$browser" ] && diag "browser window: $(xdotool getwindowname "$browser")"
like "$(xdotool getwindowname "$browser" 2>/dev/null)" "$TITLE" \
	"  showing the page the demo serves on the host's loopback, fetched over the browser VM's network"
is "$(frame_colours '^\[browser\] .')" "$ORANGE $ORANGE $ORANGE" "  framed in orange by guid"
is "$(frame_colours '^\[mail\] .*Claws Mail')" "$RED $RED $RED" "the mailer's window is framed in red"

# What reached the browser VM, and the decision that let it.
if [ -f "$DEMO_DIR/env" ]; then
	. "$DEMO_DIR/env"
fi
VMCTL=${BULKHEAD_BUILD_ROOT}/admin-cli/vmctl
got=$(timeout 60 "$VMCTL" run browser -- cat /home/user/opened-urls.log </dev/null 2>/dev/null)
is "$(printf '%s\n' "$got" | wc -l)" 1 "the browser was started once"
like "$(printf '%s\n' "$got" | sed -n 's/.*browser opens \(.*\) (from mail)$/\1/p')" "^$URL_RE\$" \
	"  with exactly the link's URL, called from mail"
audit=$("$VMCTL" log 2>/dev/null | grep 'bulkhead.OpenURL')
like "$audit" '^[^ ]+  allow mail -> @default  bulkhead.OpenURL  \(to browser\)  rule .*50-demo.policy:[0-9]+' \
	"the audit log has the policy's allow decision, mail -> browser"
is "$(printf '%s\n' "$audit" | grep -c .)" 1 "  exactly one OpenURL decision"
# The copy: allowed in the ask dialog, then refused by the rule saved in bulkhead-settings.
got=$(timeout 60 "$VMCTL" run browser -- sha256sum Incoming/mail/report.pdf </dev/null 2>/dev/null)
want=$(timeout 60 "$VMCTL" run mail -- sha256sum report.pdf </dev/null 2>/dev/null)
is "${got%% *}" "${want%% *}" "report.pdf arrived in browser's ~/Incoming/mail/, byte for byte"
ok "$([ -n "${want%% *}" ]; echo $?)" "  (mail's report.pdf exists)"
copies=$("$VMCTL" log 2>/dev/null | grep 'bulkhead.Filecopy')
like "$(printf '%s\n' "$copies" | sed -n 1p)" '^[^ ]+  allow mail -> browser  bulkhead\.Filecopy .*50-demo\.policy:[0-9]+  \[user\]$' \
	"the first copy was allowed by the person at the ask dialog"
like "$(printf '%s\n' "$copies" | sed -n 2p)" 'deny +mail -> browser  bulkhead\.Filecopy .*50-config-filecopy\.policy' \
	"the next was denied by the rule saved in bulkhead-settings"
is "$(printf '%s\n' "$copies" | grep -c .)" 2 "  exactly two copy decisions"
for s in 1-mail 2-desktop 3-ask 4-settings; do
	[ -s "$T/shots/$s.png" ]; ok $? "screenshot $s.png written"
	cp "$T/shots/$s.png" "$BULKHEAD_BUILD_ROOT/meson-logs/demo-$s.png" 2>/dev/null
done
diag "screenshots: $BULKHEAD_BUILD_ROOT/meson-logs/demo-*.png"

# stop: nothing of the demo's left running (its daemons by their recorded pids; anything else,
# QEMU and the per-VM daemons included, by this test's private directory on its command line).
pids=$(cat "$DEMO_DIR"/pids/*.pid 2>/dev/null)
[ -n "$pids" ]; ok $? "the demo recorded the daemons it started"
"$BULKHEAD_DEMO" stop >"$T/stop.log" 2>&1
is "$?" 0 "bulkhead-demo stop succeeds"
sleep 1
left=
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
is "$left" "" "  no daemon the demo started is left (bus, bulkheadd, policy daemon)"
is "$(pgrep -f -- "qemu-system-x86_64.*$T" | wc -l)" 0 "  no QEMU of the demo is left"
is "$(pgrep -f -- "$T" | wc -l)" 0 "  no process of the demo is left (qrexec-daemon, guid ...)"
reports=$(grep -E -A40 'Sanitizer|runtime error:' "$DEMO_DIR"/logs/*.log)
ok "$([ -z "$reports" ]; echo $?)" "  no sanitizer report in the daemons' logs"
[ -z "$reports" ] || printf '%s\n' "$reports" | sed 's/^/#   /'

"$BULKHEAD_DEMO" clean >/dev/null 2>&1
[ ! -e "$DEMO_DIR" ]; ok $? "bulkhead-demo clean removes its state"
tap_done
