# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the guid integration tests and benchmark: private Xvfb servers, a VM's gui-agent
# and guid connected by a socketpair (pair-run), and window lookups. Source after tap.sh;
# set $work (a scratch dir) first. Everything started here is stopped by guid_cleanup.

guid_pids=""

# start_xvfb VAR [WxH [XVFB-OPTIONS...]]: start an Xvfb on a free display number; VAR=":N".
start_xvfb() {
	local var=$1 size=${2:-1280x800} fifo n
	shift $(($# < 2 ? $# : 2))
	fifo=$(mktemp -u "$work/displayfd.XXXXXX")
	mkfifo "$fifo"
	Xvfb -displayfd 9 -screen 0 "${size}x24" -nolisten tcp -noreset "$@" 9>"$fifo" \
		>>"$work/xvfb.log" 2>&1 &
	guid_pids="$guid_pids $!"
	read -r -t 10 n <"$fifo" || return 1
	rm -f "$fifo"
	eval "$var=:$n"
}

# start_vm NAME LABEL VM-DISPLAY HOST-DISPLAY [guid options]: agent + guid; logs in $work/NAME.log.
# With GUID_SHM=1 both map a 64 MiB file, $work/NAME.shm, as QEMU's ivshmem region would be
# (protocol 1.2's shared pixels); else pixels travel inline.
start_vm() {
	local name=$1 label=$2 vmd=$3 hostd=$4 shm=()
	shift 4
	if [ "${GUID_SHM:-0}" = 1 ]; then
		truncate -s 64M "$work/$name.shm"
		shm=(--shm "$work/$name.shm")
	fi
	"$pair_run" "$work/$name.pids" \
		"$gui_agent" --channel fd:3 --display "$vmd" "${shm[@]}" -- \
		"$guid" --domain "$name" --label "$label" --channel fd:3 --display "$hostd" \
		"${shm[@]}" "$@" \
		>>"$work/$name.log" 2>&1 &
	guid_pids="$guid_pids $!"
	wait_for test -s "$work/$name.pids"
}

# The pid of a VM's guid (second of the pair) or agent (first).
guid_pid() { cut -d' ' -f2 "$work/$1.pids"; }
agent_pid() { cut -d' ' -f1 "$work/$1.pids"; }

# wait_for CMD...: retry for up to 10 s.
# Up to 30 s: a loaded machine (CI builds beside the tests) makes an X round trip slow.
wait_for() {
	local i
	for i in $(seq 300); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# find_window DISPLAY NAME-REGEX: the first window id whose name matches; fails if none.
find_window() {
	local id
	id=$(DISPLAY=$1 xdotool search --name "$2" 2>/dev/null | head -1)
	[ -n "$id" ] && echo "$id"
}

# window_id DISPLAY NAME-REGEX: like find_window, retried (a search can fail while windows
# come and go, and an empty id would make xwininfo wait for a click).
window_id() {
	local i id
	for i in $(seq 50); do
		id=$(find_window "$1" "$2")
		[ -n "$id" ] && echo "$id" && return 0
		sleep 0.1
	done
	return 1
}

# geometry DISPLAY WINDOW: "X Y W H" of a window's inside (without its X border), absolute.
geometry() {
	[ -n "$2" ] || return 1
	DISPLAY=$1 xwininfo -id "$2" | awk '
		/Absolute upper-left X/ {x=$NF} /Absolute upper-left Y/ {y=$NF}
		/Width:/ {w=$NF} /Height:/ {h=$NF} /Border width:/ {b=$NF}
		END {print x + b, y + b, w, h}'
}

# screenshot DISPLAY FILE.png
screenshot() {
	DISPLAY=$1 xwd -root -silent | convert xwd:- "$2"
}

# window_shot DISPLAY WINDOW FILE.png: one window's own pixels (inside its border). In a VM
# this is how to see a window: the agent redirects windows manually, so the VM's root window
# shows none of them.
window_shot() {
	[ -n "$2" ] || return 1
	DISPLAY=$1 xwd -id "$2" -nobdrs -silent | convert xwd:- "$3"
}

# pixel FILE.png X Y: the colour as RRGGBB
pixel() {
	convert "$1" -format "%[hex:p{$2,$3}]" info: | cut -c1-6
}

guid_cleanup() {
	local p
	for p in $guid_pids; do kill "$p" 2>/dev/null; done
	for f in "$work"/*.pids; do
		[ -f "$f" ] && kill $(cat "$f") 2>/dev/null
	done
	wait 2>/dev/null
}
