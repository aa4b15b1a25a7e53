#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guid with real X programs: two "VMs" (each its own Xvfb, agent and guid) on one host Xvfb.
# Their windows appear titled "[vm] ..." in a frame of the VM's colour, with the VM's pixels
# exactly; typing, clicking, resizing and closing on the host reach the VM; the clipboard keys
# never do. GUID_SHM=1 (test guid-apps-shm) runs it all with pixels in a shared region. Leaves a screenshot of the two-VM desktop (docs/screenshots/ with BULKHEAD_UPDATE_SCREENSHOTS=1).
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
for tool in Xvfb xdotool xwd xprop xwininfo convert compare xterm xlogo; do
	command -v "$tool" >/dev/null || skip_all "$tool not installed"
done
work=$(mktemp -d)
guid=$GUID gui_agent=$GUI_AGENT pair_run=$PAIR_RUN
. "$GUID_TEST_LIB"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/sandbox.sh"
trap 'guid_cleanup; rm -rf "$work"' EXIT
export NO_AT_BRIDGE=1 GDK_BACKEND=x11

WORK_RGB=3465a4 # blue
PERSONAL_RGB=f57900 # orange

start_xvfb HOST || skip_all "Xvfb does not start"
start_xvfb VM1
start_xvfb VM2

# The "VM" programs. The typing xterm's shell copies every byte it reads into a file, raw, so a
# forwarded Ctrl+C would show up as \003 there.
: >"$work/typed"
DISPLAY=$VM1 xterm -geometry 70x20+20+20 -T xterm -e sh -c "stty raw; exec cat >'$work/typed'" &
guid_pids="$guid_pids $!"
DISPLAY=$VM1 "$GTK_PROBE" "$work/probe.out" &
guid_pids="$guid_pids $!"
DISPLAY=$VM2 xlogo -geometry 200x200+20+420 &
guid_pids="$guid_pids $!"
DISPLAY=$VM2 xterm -geometry 60x12+560+420 -T xterm -e sh -c 'echo personal data; exec sleep 600' &
guid_pids="$guid_pids $!"
wait_for find_window "$VM1" '^probe$'
wait_for find_window "$VM2" '^xlogo$'

# work's guid tells "ready" on --ready-fd once its agent is connected (what bulkheadd waits for
# before it pauses a preloaded disposable).
start_vm work blue "$VM1" "$HOST" --ready-fd 7 7>"$work/work.ready"
start_vm personal orange "$VM2" "$HOST" --allow-fullscreen

# 1. Windows, titles, properties.
for t in '^\[work\] xterm$' '^\[work\] probe$' '^\[personal\] xlogo$' '^\[personal\] xterm$'; do
	wait_for find_window "$HOST" "$t"
	ok $? "host window $t"
done
wxterm=$(window_id "$HOST" '^\[work\] xterm$')
wprobe=$(window_id "$HOST" '^\[work\] probe$')
wlogo=$(window_id "$HOST" '^\[personal\] xlogo$')
is "$(DISPLAY=$HOST xprop -id "$wxterm" _BULKHEAD_VMNAME)" '_BULKHEAD_VMNAME(UTF8_STRING) = "work"' \
	"the VM's name as a window property"
is "$(DISPLAY=$HOST xprop -id "$wxterm" _BULKHEAD_LABEL)" '_BULKHEAD_LABEL(UTF8_STRING) = "#3465a4"' \
	"the VM's colour as a window property"
like "$(DISPLAY=$HOST xprop -id "$wlogo" WM_CLASS)" '"personal:xlogo", "personal:XLogo"' \
	"the class carries the VM's name"
is "$(cat "$work/work.ready")" "ready" "guid said ready on --ready-fd after the handshake"
"$guid" --domain x --label red --channel fd:0 --ready-fd 99 2>"$work/badfd.err"
like "$?,$(cat "$work/badfd.err")" '^2,.*--ready-fd 99: not an open file descriptor$' \
	"a --ready-fd that is not open: exit 2, the error names it"
# Its windows are up, so guid has entered its sandbox; everything below runs inside it.
sandbox_check "$(guid_pid work)" "guid[work]"

# content_geometry HOST-FRAME: the content child's absolute geometry.
content_geometry() {
	local child
	child=$(DISPLAY=$HOST xwininfo -children -id "$1" | awk '/^ +0x/ {print $1; exit}')
	geometry "$HOST" "$child"
}

# same_pixels VM-DISPLAY VM-WINDOW-NAME HOST-FRAME: the window's pixels are equal on both.
same_pixels() {
	local vmwin vg hg
	vmwin=$(window_id "$1" "$2")
	read -r vx vy vw vh < <(geometry "$1" "$vmwin")
	read -r hx hy hw hh < <(content_geometry "$3")
	window_shot "$1" "$vmwin" "$work/a.png" && screenshot "$HOST" "$work/host.png" || return 1
	convert "$work/host.png" -crop "${hw}x${hh}+${hx}+${hy}" +repage "$work/b.png"
	[ "$vw $vh" = "$hw $hh" ] &&
		[ "$(compare -metric AE "$work/a.png" "$work/b.png" null: 2>&1)" = 0 ]
}

# 2. Pixels: the host shows exactly what the VM drew.
wait_for same_pixels "$VM2" '^xlogo$' "$wlogo"
ok $? "xlogo's pixels on the host equal the VM's (compare -metric AE = 0)"
wait_for same_pixels "$VM1" '^probe$' "$wprobe"
ok $? "the GTK window's pixels on the host equal the VM's"

# 3. The frame: the label colour on every side of each window, drawn by guid.
frame_ok() { # FRAME-WINDOW RGB
	local x y w h
	read -r x y w h < <(geometry "$HOST" "$1")
	screenshot "$HOST" "$work/frame.png"
	for p in "$x $y" "$((x + w - 1)) $((y + h - 1))" "$((x + 1)) $((y + h / 2))" \
		"$((x + w / 2)) $((y + 1))"; do
		[ "$(pixel "$work/frame.png" $p)" = "${2^^}" ] || return 1
	done
}
frame_ok "$wxterm" $WORK_RGB
ok $? "[work] xterm is framed in blue"
frame_ok "$wlogo" $PERSONAL_RGB
ok $? "[personal] xlogo is framed in orange"

# 4. Keyboard: typed on the host, read by the VM's xterm.
DISPLAY=$HOST xdotool windowfocus --sync "$wxterm"
DISPLAY=$HOST xdotool type --delay 20 "hello bulkhead"
wait_for grep -q "hello bulkhead" "$work/typed"
ok $? "text typed on the host arrives in the VM's xterm"

# 5. The clipboard keys are guid's: the VM never sees them.
DISPLAY=$HOST xdotool key ctrl+shift+c ctrl+shift+v
DISPLAY=$HOST xdotool type --delay 20 " after"
wait_for grep -q "after" "$work/typed"
ok $? "typing goes on after the clipboard keys"
if grep -q $'[\003\026]' "$work/typed" || grep -q '[cCvV] after' "$work/typed"; then
	ok 1 "Ctrl+Shift+C/V never reach the VM"
	od -c "$work/typed" | sed 's/^/# /'
else
	ok 0 "Ctrl+Shift+C/V never reach the VM"
fi
grep -q "Clipboard copy requested" "$work/work.log" &&
	grep -q "Clipboard paste requested" "$work/work.log"
ok $? "guid logs both clipboard requests"

# The two-VM desktop into the build tree, and into docs/screenshots/ only when asked
# (BULKHEAD_UPDATE_SCREENSHOTS=1): a test run never rewrites the source tree.
shots=$BULKHEAD_BUILD_ROOT/screenshots
[ "${BULKHEAD_UPDATE_SCREENSHOTS:-0}" = 1 ] && shots=$BULKHEAD_SOURCE_ROOT/docs/screenshots
mkdir -p "$shots"
shot=$shots/gui-two-vms.png
[ "${GUID_SHM:-0}" = 1 ] && shot=$BULKHEAD_BUILD_ROOT/screenshots/gui-two-vms-shm.png
screenshot "$HOST" "$shot"
ok $? "screenshot $shot"
# The host Xvfb has no window manager, so no title bars: a copy with each window's real host
# title (read back with xprop) written above its frame, for people reading the docs.
font=$(fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null)
if [ -f "$font" ]; then
	args=()
	for id in "$wxterm" "$wprobe" "$wlogo" "$(window_id "$HOST" '^\[personal\] xterm$')"; do
		read -r x y w h < <(geometry "$HOST" "$id")
		t=$(DISPLAY=$HOST xprop -id "$id" _NET_WM_NAME | sed 's/^[^"]*"//; s/"$//')
		args+=(-annotate "+$x+$((y - 6))" "$t")
	done
	convert "$shot" -font "$font" -pointsize 14 -fill white "${args[@]}" \
		"${shot%.png}-titled.png"
fi

# 6. Click: the GTK button in the VM gets it.
read -r x y w h < <(content_geometry "$wprobe")
DISPLAY=$HOST xdotool mousemove $((x + w / 2)) $((y + h / 2)) click 1
wait_for grep -q clicked "$work/probe.out"
ok $? "a click on the host presses the VM's GTK button"

# 7. Resize by the host (as a window manager would): the VM window follows.
DISPLAY=$HOST xdotool windowsize "$wprobe" 404 304
vmprobe=$(window_id "$VM1" '^probe$')
probe_size() { [ "$(geometry "$VM1" "$vmprobe" | cut -d' ' -f3-)" = "400 300" ]; }
wait_for probe_size
ok $? "host resize to 404x304 makes the VM window 400x300 (inside a 2-pixel frame)"
wait_for same_pixels "$VM1" '^probe$' "$wprobe"
ok $? "after the resize the pixels still match"

# 8. Close from the host: WM_DELETE_WINDOW reaches the VM's window, which goes away.
DISPLAY=$HOST "$X_TOOL" close "$wprobe"
wait_for grep -q closed "$work/probe.out"
ok $? "closing on the host asks the VM's window to close"
gone() { [ -z "$(find_window "$HOST" '^\[work\] probe$')" ]; }
wait_for gone
ok $? "the closed window disappears from the host"

# 9. Override-redirect: xterm's Ctrl+click menu becomes a framed host window.
read -r x y w h < <(content_geometry "$wxterm")
or_count() {
	DISPLAY=$HOST xwininfo -root -children | awk '/^ +0x/ {print $1}' | while read -r id; do
		DISPLAY=$HOST xwininfo -all -id "$id" 2>/dev/null |
			grep -q 'Override Redirect State: yes' && echo "$id"
	done | wc -l
}
DISPLAY=$HOST xdotool mousemove $((x + 50)) $((y + 50)) keydown ctrl mousedown 1
has_menu() { [ "$(or_count)" -ge 1 ]; }
wait_for has_menu
ok $? "xterm's pop-up menu appears on the host as an override-redirect window"
DISPLAY=$HOST xdotool mouseup 1 keyup ctrl

# 10. Fullscreen is maximise unless the VM is allowed (personal is, work is not).
DISPLAY=$VM1 "$GTK_PROBE" "$work/fs1.out" fullscreen &
fs1=$!
DISPLAY=$VM2 "$GTK_PROBE" "$work/fs2.out" fullscreen &
fs2=$!
guid_pids="$guid_pids $fs1 $fs2"
wfs1=$(window_id "$HOST" '^\[work\] fs-probe$')
wfs2=$(window_id "$HOST" '^\[personal\] fs-probe$')
like "$(DISPLAY=$HOST xprop -id "$wfs1" _NET_WM_STATE)" \
	'= _NET_WM_STATE_MAXIMIZED_VERT, _NET_WM_STATE_MAXIMIZED_HORZ$' \
	"a fullscreen window of work is maximised instead"
like "$(DISPLAY=$HOST xprop -id "$wfs2" _NET_WM_STATE)" '= _NET_WM_STATE_FULLSCREEN$' \
	"personal, started with --allow-fullscreen, gets fullscreen"
kill "$fs1" "$fs2"

# 11. A grab inside the VM stays there: the host's keyboard and pointer remain free.
DISPLAY=$VM1 "$X_TOOL" grab 20 >"$work/grab.out" &
grabber=$!
guid_pids="$guid_pids $grabber"
wait_for grep -q grabbed "$work/grab.out"
ok $? "a VM client grabs the VM's keyboard and pointer"
DISPLAY=$HOST "$X_TOOL" grab-free
ok $? "the host's keyboard and pointer are not grabbed"
kill "$grabber"

# 12. Windows that come and go faster than anyone can look at them (as a mailer's popups do):
# the agent, which composites the VM's windows itself, takes every one that vanished in
# passing, and the windows that stay are still mirrored exactly.
DISPLAY=$VM1 "$X_TOOL" churn 400
ok $? "a VM client created and destroyed 400 windows without waiting"
wait_for sh -c "! DISPLAY=$HOST xdotool search --name '^\[work\] churn$' 2>/dev/null | grep -q ."
ok $? "  none of them is left on the host"
kill -0 "$(agent_pid work)" && kill -0 "$(guid_pid work)"
ok $? "  the agent and guid of that VM still run"
wait_for same_pixels "$VM1" '^xterm$' "$wxterm"
ok $? "  its xterm still shows on the host pixel for pixel"

# 13. A VM that runs its own compositor: the agent cannot redirect manually, redirects
# automatically beside it, and the window is mirrored exactly all the same.
start_xvfb VM3 640x480
DISPLAY=$VM3 "$X_TOOL" composite 120 >"$work/composite.out" &
guid_pids="$guid_pids $!"
wait_for grep -q redirected "$work/composite.out"
DISPLAY=$VM3 xlogo -geometry 120x100+10+10 &
guid_pids="$guid_pids $!"
wait_for find_window "$VM3" '^xlogo$'
start_vm third green "$VM3" "$HOST"
wait_for find_window "$HOST" '^\[third\] xlogo$'
ok $? "with a compositor in the VM, its window still reaches the host"
grep -q "Another compositor runs in the VM: windows redirected automatically" "$work/third.log"
ok $? "  the agent says it redirects automatically beside it"
wait_for same_pixels "$VM3" '^xlogo$' "$(window_id "$HOST" '^\[third\] xlogo$')"
ok $? "  pixel for pixel"

kill -0 "$(guid_pid work)" && kill -0 "$(guid_pid personal)"
ok $? "both guids still run"

# Which path carried the pixels checked above: the shared region only when it was given.
if [ "${GUID_SHM:-0}" = 1 ]; then
	grep -q "Window pixels through the shared region" "$work/work.log" &&
		grep -q "Shared region of 64 MiB, painted with XShmPutImage" "$work/work.log"
	ok $? "agent and guid used the shared region (XShmPutImage from the region)"
else
	! grep -q "shared region" "$work/work.log"
	ok $? "pixels travelled inline"
fi
tap_done
