# SPDX-License-Identifier: GPL-2.0-or-later
# Start a private Xvfb for a shell test and stop it when the test exits.
#   . tests/lib/xvfb.sh; xvfb_start; DISPLAY=$XVFB_DISPLAY xterm ...
# The display number is picked by Xvfb itself (-displayfd), so parallel tests never collide.

xvfb_start() { # xvfb_start [WIDTHxHEIGHTxDEPTH]
	local screen=${1:-1280x800x24} fifo
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	Xvfb -displayfd 3 -screen 0 "$screen" -nolisten tcp -noreset 3>"$fifo" 2>/dev/null &
	XVFB_PID=$!
	read -r XVFB_NUMBER <"$fifo"
	rm -f "$fifo"
	XVFB_DISPLAY=:$XVFB_NUMBER
	export XVFB_DISPLAY XVFB_PID
	trap xvfb_stop EXIT
}

xvfb_stop() {
	[ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
	XVFB_PID=
}
