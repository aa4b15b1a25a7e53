#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: the xdg-desktop-portal FileChooser backend in a process VM. Its SaveFile is
# called over work's own session bus as xdg-desktop-portal calls it (and, when the portal is
# installed, through xdg-desktop-portal itself); work's user answers work's dialog with
# "Save in another VM…"; the application writes the URI it got, as applications do; the file
# then goes through the broker to personal, where personal's user chooses where it lands.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
SF=$BULKHEAD_BUILD_ROOT/savefile
PORTAL_CLIENT=${1:?usage: test-savefile-portal.sh PORTAL-CLIENT}
for tool in Xvfb xdotool gdbus dbus-daemon; do
	command -v $tool >/dev/null || skip_all "$tool not installed"
done

tb_init
tb_vm work --xvfb --label blue
tb_vm personal --xvfb --label green
# vm-save-to without --vm asks for @default: the policy sends it to personal.
tb_policy 50-savefile 'bulkhead.SaveFile  *  work  @default  allow target=personal'
ln -sf "$SF/bulkhead.SaveFile" "$TB/vm/personal/rpc/bulkhead.SaveFile"
for vm in work personal; do
	for v in GTK_THEME=Adwaita NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory; do
		tb_vm_setenv "$vm" "$v"
	done
done
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

W=$TB/vm/work/home
P=$TB/vm/personal/home
mkdir -p "$P/Documents" "$W/Documents"
# work's own session bus (a VM's desktop session has one; the test bed's host bus is not it).
WBUS="unix:path=$TB/vm/work/bus"
# Nothing on it is D-Bus activated from the system's service files: only what the test starts.
mkdir -p "$TB/vm/work/services"
cat >"$TB/vm/work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$WBUS</listen>
  <servicedir>$TB/vm/work/services</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
tb_bg work-bus dbus-daemon --config-file="$TB/vm/work/bus.conf" --nofork
for _ in $(seq 100); do [ -S "$TB/vm/work/bus" ] && break; sleep 0.05; done
wrun() { tb_run work env DBUS_SESSION_BUS_ADDRESS="$WBUS" "$@"; }
wrun "$SF/bulkhead-portal-filechooser" 2>>"$TB/log/portal.log" &
echo $! >"$TB/pids/extra-portal"
for _ in $(seq 200); do
	wrun gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.freedesktop.impl.portal.desktop.bulkhead \
		2>/dev/null | grep -q true && break
	sleep 0.1
done

xd() { # xd VM ARGS...: xdotool on VM's display
	local vm=$1
	shift
	DISPLAY=$(tb_display "$vm") xdotool "$@"
}
window() { # window VM TITLE: the id of VM's visible window titled TITLE (30 s)
	DISPLAY=$(tb_display "$1") timeout 30 xdotool search --sync --onlyvisible --name "^$2\$" \
		2>/dev/null | head -n1
}
choose() { # choose VM WID PATH: type PATH into the dialog's name field, press Return
	xd "$1" windowfocus --sync "$2" && sleep 0.3
	xd "$1" key --clearmodifiers ctrl+a
	xd "$1" type --delay 20 "$3"
	sleep 0.3
	xd "$1" key --clearmodifiers Return
}
# impl_save ID TITLE NAME: the backend's SaveFile, as xdg-desktop-portal calls it; reply in $TB/ID
impl_save() {
	wrun gdbus call --session --timeout 120 --dest org.freedesktop.impl.portal.desktop.bulkhead \
		--object-path /org/freedesktop/portal/desktop \
		--method org.freedesktop.impl.portal.FileChooser.SaveFile \
		/org/freedesktop/portal/desktop/request/1_1/t "" "" "$2" \
		"{'current_name': <'$3'>}" >"$TB/$1" 2>&1 &
	echo $! >"$TB/$1.pid"
}
answer() { # answer ID: wait for the call to return (60 s), print its reply
	local pid
	pid=$(cat "$TB/$1.pid")
	for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	tr -d '\n' <"$TB/$1"
}

# 1. A plain save stays in work: the URI of the place chosen there.
impl_save s1 "Save notes" notes.txt
wid=$(window work "Save notes")
ok "$([ -n "$wid" ]; echo $?)" "the backend's SaveFile shows a save dialog in work, with the application's title"
choose work "$wid" "$W/Documents/local.txt"
is "$(answer s1)" "(uint32 0, {'uris': <['file://$W/Documents/local.txt']>})" \
	"  a place chosen in work comes back as its URI (response 0)"

# 2. Cancel: response 1, no URI.
impl_save s2 "Save notes" notes.txt
wid=$(window work "Save notes")
xd work windowfocus --sync "$wid"
sleep 0.3
xd work key --clearmodifiers Escape
is "$(answer s2)" "(uint32 1, @a{sv} {})" "Escape answers 'cancelled' (response 1)"

# 3. "Save in another VM…": a private file, sent to personal once the application wrote it.
impl_save s3 "Save notes" notes.txt
wid=$(window work "Save notes")
xd work windowfocus --sync "$wid"
sleep 0.3
xd work key --clearmodifiers alt+a
reply=$(answer s3)
uri=$(printf '%s' "$reply" | sed -n "s/^(uint32 0, {'uris': <\['file:\/\/\(.*\)'\]>})$/\1/p")
like "$reply" "^\(uint32 0, \{'uris': <\['file://.*/bulkhead-save/[^/]+/notes.txt'\]>\}\)$" \
	"'Save in another VM…' returns a private file's URI, with the name from the dialog"
ok "$([ "$(stat -c %a "$(dirname "$uri")" 2>/dev/null)" = 700 ]; echo $?)" "  in a directory only work's user can enter"
head -c 200000 /dev/urandom >"$TB/notes.src"
# The application saves as GIO does: a temporary file, renamed over the URI's path.
[ -n "$uri" ] && cp "$TB/notes.src" "$(dirname "$uri")/.goutputstream-TEST" &&
	mv "$(dirname "$uri")/.goutputstream-TEST" "$uri"
wid=$(window personal "Save file from work")
ok "$([ -n "$wid" ]; echo $?)" "  once it is written, personal shows its own save dialog"
choose personal "$wid" "$P/Documents/from-work.txt"
for _ in $(seq 100); do [ -e "$(dirname "$uri")" ] || break; sleep 0.1; done
cmp -s "$TB/notes.src" "$P/Documents/from-work.txt"
ok $? "  the application's data lands where personal's user chose, byte for byte"
ok "$([ ! -e "$(dirname "$uri")" ]; echo $?)" "  and work's private copy is gone"

# 4. Through xdg-desktop-portal itself, when it is installed: the frontend finds this backend
# by bulkhead.portal (UseIn=bulkhead) and hands its answer to the application.
XDP=/usr/libexec/xdg-desktop-portal
if [ -x "$XDP" ]; then
	pdir=$TB/portals
	mkdir -p "$pdir"
	cp "$BULKHEAD_SOURCE_ROOT/savefile/bulkhead.portal" "$pdir/"
	wrun env XDG_DESKTOP_PORTAL_DIR="$pdir" XDG_CURRENT_DESKTOP=bulkhead "$XDP" -r \
		2>>"$TB/log/xdp.log" &
	echo $! >"$TB/pids/extra-xdp"
	for _ in $(seq 200); do
		wrun gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.NameHasOwner org.freedesktop.portal.Desktop \
			2>/dev/null | grep -q true && break
		sleep 0.1
	done
	wrun "$PORTAL_CLIENT" "Save via portal" portal.txt >"$TB/xdp-call" 2>&1 &
	echo $! >"$TB/xdp-call.pid"
	wid=$(window work "Save via portal")
	ok "$([ -n "$wid" ]; echo $?)" \
		"an application's FileChooser.SaveFile through xdg-desktop-portal shows this backend's dialog"
	choose work "$wid" "$W/Documents/portal.txt"
	is "$(answer xdp-call)" "0 file://$W/Documents/portal.txt" \
		"  and the application gets the chosen file's URI in the Response signal"
	# The whole chain: application -> xdg-desktop-portal -> "Save in another VM…" -> personal.
	wrun "$PORTAL_CLIENT" "Save via portal" elsewhere.txt >"$TB/xdp-other" 2>&1 &
	echo $! >"$TB/xdp-other.pid"
	wid=$(window work "Save via portal")
	xd work windowfocus --sync "$wid"
	sleep 0.3
	xd work key --clearmodifiers alt+a
	reply=$(answer xdp-other)
	like "$reply" "^0 file://.*/bulkhead-save/[^/]+/elsewhere.txt$" \
		"through the portal, 'Save in another VM…' gives the application a private file"
	path=${reply#0 file://}
	[ "$path" != "$reply" ] && printf 'written by the application\n' >"$path"
	wid=$(window personal "Save file from work")
	choose personal "$wid" "$P/Documents/elsewhere.txt"
	for _ in $(seq 100); do [ -e "$P/Documents/elsewhere.txt" ] && break; sleep 0.1; done
	is "$(cat "$P/Documents/elsewhere.txt" 2>/dev/null)" "written by the application" \
		"  and what the application wrote there lands in personal where its dialog said"
else
	echo "ok $((tap_n += 1)) # SKIP xdg-desktop-portal is not installed"
fi
ok "$(! grep -qE 'Sanitizer|runtime error' "$TB"/log/*.log; echo $?)" "no sanitizer report in any log"
tap_done
