#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile VMs: a scripted agent (hostile-agent) speaks the GUI protocol wrongly, one way per
# scenario. Its guid must end with a log line naming the violation (or survive what it can
# drop), while another VM's guid on the same host display keeps its window, untouched.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
for tool in Xvfb xdotool xwd xwininfo convert xlogo; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
work=$(mktemp -d)
guid=$GUID gui_agent=$GUI_AGENT pair_run=$PAIR_RUN
. "$GUID_TEST_LIB"
trap 'guid_cleanup; rm -rf "$work"' EXIT

# Both displays without MIT-SHM: this test also covers the XGetImage (agent) and XPutImage
# (guid) paths that remote or restricted displays use; guid-apps covers MIT-SHM.
start_xvfb HOST 1280x800 -extension MIT-SHM || skip_all "Xvfb does not start"
start_xvfb VM1 1280x800 -extension MIT-SHM
DISPLAY=$VM1 xlogo -geometry 200x200+20+20 &
guid_pids="$guid_pids $!"
wait_for find_window "$VM1" '^xlogo$'
start_vm work blue "$VM1" "$HOST"
wait_for find_window "$HOST" '^\[work\] xlogo$'
ok $? "the well-behaved VM's window is on the host"
wlogo=$(window_id "$HOST" '^\[work\] xlogo$')
content_xlogo() {
	local child
	child=$(DISPLAY=$HOST xwininfo -children -id "$wlogo" | awk '/^ +0x/ {print $1; exit}')
	read -r hx hy hw hh < <(geometry "$HOST" "$child")
	window_shot "$VM1" "$(window_id "$VM1" '^xlogo$')" "$work/a.png" &&
		screenshot "$HOST" "$work/host.png" &&
		convert "$work/host.png" -crop "${hw}x${hh}+${hx}+${hy}" +repage "$work/b.png" &&
		[ "$(compare -metric AE "$work/a.png" "$work/b.png" null: 2>&1)" = 0 ]
}
wait_for content_xlogo
ok $? "without MIT-SHM on either side, the host shows the VM's pixels exactly"
screenshot "$HOST" "$work/before.png"
read -r lx ly lw lh < <(geometry "$HOST" "$wlogo")

# run_hostile SCENARIO: start it against its own guid; sets $hlog and $hpid.
n=0
hostile_shm=
run_hostile() {
	n=$((n + 1))
	hname=hostile$n
	hlog=$work/$hname.log
	"$pair_run" "$work/$hname.pids" "$HOSTILE_AGENT" "$1" -- \
		"$guid" --domain "$hname" --label red --channel fd:3 --display "$HOST" \
		${hostile_shm:+--shm "$hostile_shm"} >"$hlog" 2>&1 &
	guid_pids="$guid_pids $!"
	wait_for test -s "$work/$hname.pids"
	hpid=$(cut -d' ' -f2 "$work/$hname.pids")
}

guid_ended() { ! kill -0 "$hpid" 2>/dev/null; }

# expect_exit SCENARIO LOG-REGEX
expect_exit() {
	run_hostile "$1"
	wait_for guid_ended
	ok $? "$1: guid for the hostile VM ends"
	like "$(cat "$hlog")" "$2" "$1: with a log line"
	kill $(cat "$work/$hname.pids") 2>/dev/null
}

expect_exit oversize 'Protocol violation: window size or position out of range'
expect_exit rect-outside 'Protocol violation: damage 20x10\+90\+0 outside window'
expect_exit bad-length 'Protocol violation: wrong payload length \(type 18 map'
expect_exit damage-length 'Protocol violation: damage length is not w\*h\*4'
expect_exit unknown-type 'Protocol violation: unknown message type \(type 999'
expect_exit huge-length 'Protocol violation: message over'
expect_exit long-title 'Protocol violation: title length out of range'
expect_exit many-windows 'Protocol violation: more than 1000 windows'
expect_exit never-read 'VM stopped reading'
expect_exit truncated 'Protocol violation: truncated message at EOF'
expect_exit before-version 'Protocol violation: create before the version'
# Shared pixels (1.2): without a region, past guid's own region (1 MiB here), outside a buffer.
expect_exit shm-without-region 'Protocol violation: shared buffer without a region'
truncate -s 1M "$work/hostile.shm"
hostile_shm=$work/hostile.shm
expect_exit shm-past-region 'Protocol violation: shared buffer outside the region'
expect_exit shm-damage-outside "Protocol violation: shared damage outside the window's buffer"
hostile_shm=

# A bogus title is not fatal: it is shown sanitised.
run_hostile bad-title
has_title() { find_window "$HOST" "^\[$hname\] " | grep -q .; }
wait_for has_title
title=$(DISPLAY=$HOST xprop -id "$(window_id "$HOST" "^\[$hname\] ")" _NET_WM_NAME)
want="[$hname] evil�[31m�� �txt.exe�� [dom0] ��"
is "$title" "_NET_WM_NAME(UTF8_STRING) = \"$want\"" \
	"bad-title: escapes, invalid UTF-8, controls and bidi overrides are replaced"
kill -0 "$hpid"
ok $? "bad-title: guid goes on"
kill $(cat "$work/$hname.pids") 2>/dev/null

# Override-redirect rules: a menu off the corner is moved on screen (frame included); one
# covering the screen loses override-redirect.
run_hostile menus
wmenu=$(window_id "$HOST" "^\[$hname\] menu$")
wcover=$(window_id "$HOST" "^\[$hname\] cover$")
read -r x y w h < <(geometry "$HOST" "$wmenu")
is "$x $y $w $h" "1076 696 204 104" "menus: a menu past the corner is kept on screen with its frame"
or_state() { [ -n "$1" ] && DISPLAY=$HOST xwininfo -all -id "$1" | awk '/Override Redirect State/ {print $NF}'; }
is "$(or_state "$wmenu")" yes "menus: it stays override-redirect"
is "$(or_state "$wcover")" no "menus: one covering the screen is demoted to a managed window"
like "$(cat "$hlog")" 'covers the screen: no longer override-redirect' "menus: with a log line"
kill $(cat "$work/$hname.pids") 2>/dev/null

# A flood of valid damage with acks read: guid keeps up, its memory stays bounded.
run_hostile damage-flood
max_rss=0
for i in $(seq 30); do
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$hpid/status" 2>/dev/null || echo 0)
	[ "${rss:-0}" -gt "$max_rss" ] && max_rss=$rss
	sleep 0.1
done
kill -0 "$hpid"
ok $? "damage-flood: guid survives a damage flood"
[ "$max_rss" -lt 100000 ]
ok $? "damage-flood: guid's memory stays bounded (max RSS ${max_rss} KiB < 100 MiB)"
wait_for guid_ended
grep -q 'The VM closed its GUI channel' "$hlog"
ok $? "damage-flood: guid ends cleanly when the VM hangs up"

# Through all of it, the other VM was never disturbed.
kill -0 "$(guid_pid work)"
ok $? "the well-behaved VM's guid still runs"
is "$(window_id "$HOST" '^\[work\] xlogo$')" "$wlogo" "its window is still there"
screenshot "$HOST" "$work/after.png"
convert "$work/before.png" -crop "${lw}x${lh}+${lx}+${ly}" +repage "$work/a.png"
convert "$work/after.png" -crop "${lw}x${lh}+${lx}+${ly}" +repage "$work/b.png"
is "$(compare -metric AE "$work/a.png" "$work/b.png" null: 2>&1)" 0 \
	"and its pixels and frame are unchanged"
tap_done
