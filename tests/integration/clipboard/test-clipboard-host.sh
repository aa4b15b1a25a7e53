#!/bin/bash
# vmctl clipboard against a real X server: exchange with the host clipboard, text and PNG,
# wiped after the paste, and refusals for what a VM must never receive.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/xvfb.sh"
vmctl=$1
scratch=$(mktemp -d)
export BULKHEAD_RUNTIME_DIR=$scratch/run
xvfb_start
export DISPLAY=$XVFB_DISPLAY
trap 'pkill -f "xclip.*$XVFB_DISPLAY" 2>/dev/null; xvfb_stop; rm -rf "$scratch"' EXIT

host_set() { # host_set TYPE FILE: a real host program (xclip) owns CLIPBOARD with FILE
	xclip -display "$DISPLAY" -selection clipboard -t "$1" -i "$2"
	# xclip serves from a child it forks: wait until the clipboard really hands out FILE.
	for _ in $(seq 50); do
		xclip -display "$DISPLAY" -selection clipboard -t "$1" -o 2>/dev/null | cmp -s - "$2" &&
			return 0
		sleep 0.1
	done
	diag "xclip never served $2"
}

out=$("$vmctl" clipboard show); is "$out" "The global clipboard is empty." "empty at first"

printf 'report for Q3\nsee attached' >"$scratch/text"
host_set UTF8_STRING "$scratch/text"
out=$("$vmctl" clipboard from-host); is "$?" 0 "from-host copies the host's text"
is "$out" "Copied 26 bytes from the host clipboard." "  and says how much"
json=$("$vmctl" clipboard show --json)
like "$json" '"source":"host","type":"text/plain;charset=utf-8","size":26' "show --json: source, type, size"
out=$("$vmctl" clipboard show)
like "$out" "Source: +host" "show names the source"
ok "$(printf '%s' "$out" | grep -c 'report for Q3')" "show does not print the content unless asked"
like "$("$vmctl" clipboard show --content)" "report for Q3" "show --content prints it"

xclip -display "$DISPLAY" -selection clipboard -i /dev/null  # someone else owns it now
out=$("$vmctl" clipboard to-host); is "$?" 0 "to-host pastes into the host clipboard"
like "$out" "Pasted 26 bytes from host into the host clipboard; global clipboard wiped." "  and says so"
sleep 0.3
is "$(xclip -display "$DISPLAY" -selection clipboard -o)" "$(cat "$scratch/text")" "a host program reads exactly the text"
is "$(xclip -display "$DISPLAY" -selection primary -o)" "$(cat "$scratch/text")" "  from PRIMARY too"
is "$("$vmctl" clipboard show)" "The global clipboard is empty." "the global clipboard was wiped by the paste"
err=$("$vmctl" clipboard to-host 2>&1); is "$?" 1 "a second paste fails"
like "$err" "empty" "  because the data reached exactly one destination"

convert -size 40x30 gradient:red-blue "$scratch/in.png"
host_set image/png "$scratch/in.png"
"$vmctl" clipboard from-host >/dev/null; is "$?" 0 "from-host copies a PNG image"
like "$("$vmctl" clipboard show --json)" '"type":"image/png","size":'"$(stat -c %s "$scratch/in.png")" "  typed image/png, whole"
xclip -display "$DISPLAY" -selection clipboard -i /dev/null
"$vmctl" clipboard to-host >/dev/null
sleep 0.3
xclip -display "$DISPLAY" -selection clipboard -t image/png -o >"$scratch/out.png"
cmp -s "$scratch/in.png" "$scratch/out.png"; ok $? "the image comes back byte for byte"

printf 'ls\033[2J\033]0;owned\007' >"$scratch/evil"
host_set UTF8_STRING "$scratch/evil"
err=$("$vmctl" clipboard from-host 2>&1); is "$?" 1 "text with terminal escapes is refused"
like "$err" "refused: Invalid or incomplete multibyte or wide character" "  with the reason"
is "$("$vmctl" clipboard show)" "The global clipboard is empty." "  and nothing is stored"

head -c 300000 /dev/zero | tr '\0' 'a' >"$scratch/big"
host_set UTF8_STRING "$scratch/big"
err=$("$vmctl" clipboard from-host 2>&1); is "$?" 1 "300 KB of text (over 256 KiB) is refused"
BULKHEAD_CLIPBOARD_TEXT_MAX=400000 "$vmctl" clipboard from-host >/dev/null
is "$?" 0 "  unless the limit is raised"
"$vmctl" clipboard clear >/dev/null; is "$("$vmctl" clipboard show)" "The global clipboard is empty." "clear empties it"

tap_done
