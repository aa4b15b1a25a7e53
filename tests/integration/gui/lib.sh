# SPDX-License-Identifier: GPL-2.0-or-later
# Shared setup for the GUI tests: a private X server (Xvfb, free display picked with -displayfd)
# and a private session bus, both stopped on exit; keyboard input through xdotool; screenshots.
# Source after tests/lib/tap.sh. Needs BULKHEAD_BUILD_ROOT and BULKHEAD_SOURCE_ROOT.
set -u
src=${BULKHEAD_SOURCE_ROOT:?}
build=${BULKHEAD_BUILD_ROOT:?}
for tool in Xvfb xdotool dbus-daemon gdbus import; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-gui-test.XXXXXX")
gui_pids=""

gui_cleanup() {
	local p
	for p in $gui_pids; do kill "$p" 2>/dev/null; done
	for p in $gui_pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap gui_cleanup EXIT

wait_for_file() { # wait_for_file PATH: until it is non-empty (10 s)
	local i
	for i in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

start_xvfb() {
	Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp -noreset 5>"$tmp/display" \
		2>"$tmp/xvfb.log" &
	gui_pids="$gui_pids $!"
	wait_for_file "$tmp/display" || { cat "$tmp/xvfb.log" >&2; return 1; }
	export DISPLAY=":$(head -n1 "$tmp/display")"
	# A neutral desktop colour, so screenshots around a window are not pitch black.
	command -v xsetroot >/dev/null && xsetroot -solid '#5e6e7e'
	return 0
}

# A private session bus; activatable services come from $tmp/services only.
start_dbus() {
	mkdir -p "$tmp/services"
	cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$tmp</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
	dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=5 5>"$tmp/bus" \
		2>"$tmp/dbus.log" &
	gui_pids="$gui_pids $!"
	wait_for_file "$tmp/bus" || { cat "$tmp/dbus.log" >&2; return 1; }
	DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$tmp/bus")
	export DBUS_SESSION_BUS_ADDRESS
}

# The programs run with GTK's own settings only: no user config, no accessibility bus noise.
gui_env() {
	export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
	export XDG_RUNTIME_DIR="$tmp/runtime" GTK_THEME=Adwaita NO_AT_BRIDGE=1 GDK_BACKEND=x11
	export GSETTINGS_BACKEND=memory
	mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	export LSAN_OPTIONS="suppressions=$src/tests/lsan-gui.supp:print_suppressions=0"
	# Sanitizer reports of every program under test land here; sanitizer_clean checks them.
	export ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$tmp/sanitizer"
	export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:log_path=$tmp/sanitizer"
}

# sanitizer_clean: a TAP line, failing with the report if ASan/UBSan/LSan said anything.
sanitizer_clean() {
	local reports
	reports=$(cat "$tmp"/sanitizer.* 2>/dev/null)
	ok "$([ -z "$reports" ]; echo $?)" "no sanitizer reports (ASan, UBSan, LeakSanitizer)"
	[ -z "$reports" ] || printf '%s\n' "$reports" | head -60 | sed 's/^/# /'
}

# stop_name NAME: SIGTERM the process owning NAME on the bus and wait until it is gone.
stop_name() {
	local pid i
	pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.GetConnectionUnixProcessID "$1" 2>/dev/null |
		sed -n 's/^(uint32 \([0-9]*\),)$/\1/p')
	[ -n "$pid" ] || return 1
	kill -TERM "$pid"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

gui_setup() {
	gui_env
	start_xvfb || skip_all "Xvfb did not start"
	start_dbus || skip_all "dbus-daemon did not start"
}

# wait_for_name NAME: until NAME is owned on the private bus (20 s; sanitizer builds are slow).
wait_for_name() {
	local i
	for i in $(seq 200); do
		gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true &&
			return 0
		sleep 0.1
	done
	return 1
}

# find_window TITLE-REGEX: the id of a visible window whose title matches (20 s), or nothing.
find_window() {
	timeout 20 xdotool search --sync --onlyvisible --name "$1" 2>/dev/null | head -n1
}

# window_gone WID: true once the window is no longer viewable (10 s).
window_gone() {
	local i
	for i in $(seq 100); do
		xwininfo -id "$1" 2>/dev/null | grep -q 'IsViewable' || return 0
		sleep 0.1
	done
	return 1
}

# focus WID: give the window the keyboard, as a click on it would. There is no window manager
# on the test display, so when a dialog closes the focus falls back to the root window.
focus() {
	xdotool windowfocus --sync "$1" 2>/dev/null
	sleep 0.2
}

key() { # key KEYS...: typed into whatever window has the focus, as a person would
	xdotool key --clearmodifiers --delay 50 "$@"
}

# screenshot WID NAME: the window to $build/screenshots/NAME, and to docs/screenshots when
# BULKHEAD_UPDATE_SCREENSHOTS=1 (the pictures in the docs come from these tests).
screenshot() {
	local out="$build/screenshots/$2"
	mkdir -p "$build/screenshots"
	import -window "$1" "$out" 2>/dev/null || return 1
	if [ "${BULKHEAD_UPDATE_SCREENSHOTS:-0}" = 1 ]; then
		cp "$out" "$src/docs/screenshots/$2"
	fi
}
