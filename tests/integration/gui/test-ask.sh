#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bulkhead-ask, driven as a person would: a policy daemon's Ask() over a private session bus
# (the agent is D-Bus activated from the shipped .service file), the real dialog on Xvfb, and
# the keyboard through xdotool. The 1 s focus guard, Esc, the timeout and queueing are checked.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/integration/gui/lib.sh"
ask_exe=${1:?usage: test-ask.sh BULKHEAD-ASK}

gui_setup
# The shipped activation file, pointed at the binary under test.
sed "s|^Exec=.*|Exec=$ask_exe|" "$src/packaging/dbus/org.bulkhead.PolicyAgent1.service" \
	>"$tmp/services/org.bulkhead.PolicyAgent1.service"

# ask ID SOURCE TARGETS DEFAULT [TIMEOUT]: start an Ask() in the background; answer in $tmp/ID.
ask() {
	local id=$1 source=$2 targets=$3 default=$4 timeout=${5:-60} requested=${6:-}
	gdbus call --session --timeout 120 --dest org.bulkhead.PolicyAgent1 \
		--object-path /org/bulkhead/PolicyAgent1 --method org.bulkhead.PolicyAgent1.Ask \
		"$source" bulkhead.OpenURL '' "$requested" "$targets" "$default" \
		"{'rule': '50-config-openurl.policy:3', 'source_label': 'red', 'timeout': '$timeout'}" \
		>"$tmp/$id" 2>&1 &
	echo $! >"$tmp/$id.pid"
}

answered() { # answered ID: true once the call returned
	! kill -0 "$(cat "$tmp/$1.pid")" 2>/dev/null
}

# press_until ID KEYS...: press KEYS (idempotent ones) until the call returns, as a person
# would press again on a slow machine; at most 10 tries, a second apart.
press_until() {
	local id=$1 i
	shift
	for i in $(seq 10); do
		key "$@"
		sleep 1
		answered "$id" && return 0
	done
	return 1
}

answer() { # answer ID: wait (up to 20 s) and print the reply
	local i
	for i in $(seq 200); do
		answered "$1" && break
		sleep 0.1
	done
	tr -d '\n' <"$tmp/$1"
}

two_targets="['browser', '@dispvm:default-dvm']"

# 1. Allow with the keyboard, after the dialog held focus for more than a second.
ask a1 work "$two_targets" browser
wid=$(find_window '^Bulkhead: request from work$')
shown=$(date +%s%N)
ok "$([ -n "$wid" ]; echo $?)" "Ask() activates the agent and shows a dialog titled after the source"
key alt+a
pressed=$(date +%s%N)
sleep 0.5
if [ $(((pressed - shown) / 1000000)) -lt 900 ]; then
	ok "$(answered a1 && echo 1 || echo 0)" "Allow (Alt+A) within the first second of focus does nothing"
else
	echo "ok $((tap_n += 1)) # SKIP the machine was too slow to press a key within 1 s"
fi
sleep 1
screenshot "$wid" ask-dialog.png
ok $? "screenshot of the dialog"
press_until a1 alt+a
is "$(answer a1)" "(true, 'browser')" "Alt+A after 1 s allows, with the preselected default target"
ok "$(window_gone "$wid"; echo $?)" "the dialog is gone after the answer"

# 2. Esc denies.
ask a2 work "$two_targets" browser
wid=$(find_window '^Bulkhead: request from work$')
sleep 1.5
press_until a2 Escape
is "$(answer a2)" "(false, '')" "Esc denies"

# 3. A default that is not a candidate is not preselected: Allow stays disabled until the person
#    chooses; then the keyboard alone picks the disposable.
ask a3 mail "$two_targets" evil
wid=$(find_window '^Bulkhead: request from mail$')
sleep 1.5
key alt+a
sleep 0.5
ok "$(answered a3 && echo 1 || echo 0)" "a default outside the candidates is not preselected: Allow stays disabled"
press_until a3 Down Down alt+a
is "$(answer a3)" "(true, '@dispvm:default-dvm')" "choosing with the arrow keys, then Alt+A, allows that target"

# 4. Tab to the Allow button and press Enter: the whole dialog works without a mouse.
ask a4 work "['browser']" browser
wid=$(find_window '^Bulkhead: request from work$')
sleep 2
key Tab Tab Return
is "$(answer a4)" "(true, 'browser')" "Tab to Allow, Enter allows"

# 4b. No default, but the caller named a candidate ('work->browser'): it is preselected.
ask a4b work "$two_targets" '' 60 browser
wid=$(find_window '^Bulkhead: request from work$')
sleep 1.5
press_until a4b alt+a
is "$(answer a4b)" "(true, 'browser')" "the target the caller named is preselected when it is a candidate"

# 5. Nobody answers: the timeout from details denies and the dialog goes away.
ask a5 work "$two_targets" browser 2
wid=$(find_window '^Bulkhead: request from work$')
sleep 2.5
is "$(answer a5)" "(false, '')" "details[timeout] expiring denies"
ok "$(window_gone "$wid"; echo $?)" "  and closes the dialog"

# 6. Two requests at once: one dialog at a time, in order, each answered on its own.
ask a6 work "$two_targets" browser
find_window '^Bulkhead: request from work$' >/dev/null
ask a7 personal "['browser']" browser
sleep 1.5
key Escape # once: a second Esc could answer the next request's dialog
is "$(answer a6)" "(false, '')" "two requests: the first is answered first"
wid=$(find_window '^Bulkhead: request from personal$')
ok "$([ -n "$wid" ]; echo $?)" "  then the second one's dialog appears"
sleep 1.5
press_until a7 alt+a
is "$(answer a7)" "(true, 'browser')" "  and is answered on its own"

# 7. Candidates that are not valid names are never offered; with none left, no Allow is possible.
ask a8 work "['<b>bad</b>', '']" '<b>bad</b>'
wid=$(find_window '^Bulkhead: request from work$')
sleep 1.5
key Down alt+a
sleep 0.5
ok "$(answered a8 && echo 1 || echo 0)" "invalid candidate names are not offered"
press_until a8 Escape
is "$(answer a8)" "(false, '')" "  and Esc still denies"

# 8. Stopping the agent denies what is pending and exits cleanly.
ask a9 work "$two_targets" browser
find_window '^Bulkhead: request from work$' >/dev/null
stop_name org.bulkhead.PolicyAgent1
ok $? "SIGTERM stops the agent"
is "$(answer a9)" "(false, '')" "  and the pending request is denied"
sanitizer_clean
tap_done
