#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bulkhead-settings, the real window on Xvfb with a private session bus, driven through the
# application's actions as the buttons use them (org.gtk.Actions on the bus) and the keyboard
# (xdotool). What the window shows is read back from the action states that mirror it
# (problems, decision, save's enabled flag), and the written policy is checked with the real
# `vmctl policy eval`.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/integration/gui/lib.sh"
settings_exe=${1:?usage: test-settings.sh BULKHEAD-SETTINGS VMCTL}
vmctl=${2:?usage: test-settings.sh BULKHEAD-SETTINGS VMCTL}

gui_setup

# Relative directories, so the file names the window shows (and the screenshots) are short.
cd "$tmp" || exit 1
etc=etc user=user
mkdir -p "$etc" "$user"
cat >"$etc/30-site.policy" <<'POLICY'
# The site's rules: shown read-only above the GUI's own.
bulkhead.OpenURL * @tag:trusted @dispvm allow
bulkhead.Filecopy * @anyvm @anyvm ask
POLICY
cat >"$etc/90-default.policy" <<'POLICY'
bulkhead.OpenURL * @anyvm @anyvm ask default_target=browser
bulkhead.ClipboardPaste * @anyvm @anyvm ask
* * @anyvm @anyvm deny
POLICY
cat >"$tmp/system-info.json" <<'JSON'
{"domains": {
 "dom0": {"type": "AdminVM", "tags": [], "default_dispvm": "", "template_for_dispvms": false, "power_state": "Running"},
 "work": {"type": "AppVM", "tags": ["trusted"], "default_dispvm": "default-dvm", "template_for_dispvms": false, "power_state": "Running"},
 "mail": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm", "template_for_dispvms": false, "power_state": "Running"},
 "browser": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm", "template_for_dispvms": false, "power_state": "Running"},
 "default-dvm": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm", "template_for_dispvms": true, "power_state": "Halted"}}}
JSON

eval_url() { # eval_url SOURCE TARGET: vmctl's verdict for an OpenURL request, "result target"
	"$vmctl" policy eval --policy-dir "$etc" --policy-dir "$user" \
		--system-info "$tmp/system-info.json" bulkhead.OpenURL "$1" "$2" |
		awk '/^result:/ {r=$2} /^target:/ {t=$2} END {print r, t}'
}

act() { # act NAME [PARAMETER-GVARIANT]: activate an application action over D-Bus
	gdbus call --session --dest org.bulkhead.Settings --object-path /org/bulkhead/Settings \
		--method org.gtk.Actions.Activate "$1" "[${2:-}]" '{}' >/dev/null
}

describe() { # describe NAME: "(enabled, signature, [state])" of an action
	gdbus call --session --dest org.bulkhead.Settings --object-path /org/bulkhead/Settings \
		--method org.gtk.Actions.Describe "$1"
}

save_enabled() { describe save | grep -q '^((true,'; }

settle() { sleep "${1:-0.5}"; }

"$settings_exe" --policy-dir "$etc" --policy-dir "$user" --system-info system-info.json \
	2>"$tmp/settings.log" &
settings_pid=$!
gui_pids="$settings_pid $gui_pids"
wait_for_name org.bulkhead.Settings
ok $? "bulkhead-settings owns org.bulkhead.Settings on the session bus"
wid=$(find_window '^Bulkhead Settings$')
ok "$([ -n "$wid" ]; echo $?)" "its window is shown"
settle 1

# The VMs page without a manager on the bus.
act select-page "<'vms'>"
settle
screenshot "$wid" settings-vms.png
ok $? "screenshot of the VMs page (manager not running)"

# 1. A rule added in the GUI is what vmctl decides by, once saved.
is "$(eval_url mail browser)" "ask " "before: OpenURL mail->browser asks (90-default.policy)"
save_enabled
ok "$((! $?))" "Save is disabled while nothing changed"
act add-rule "<('bulkhead.OpenURL', '*', 'mail', 'browser', 'allow', '')>"
settle
save_enabled
ok $? "a valid new rule enables Save"
ok "$([ ! -e "$user/50-config-openurl.policy" ]; echo $?)" "  but nothing is written before Save"
act add-rule "<('bulkhead.OpenURL', '*', '@anyvm', '@dispvm:default-dvm', 'allow', 'notify=yes')>"
settle
screenshot "$wid" settings-policy.png
ok $? "screenshot of the Policy page"
key ctrl+s
settle 1
ok "$([ -f "$user/50-config-openurl.policy" ]; echo $?)" "Ctrl+S writes 50-config-openurl.policy in the user's directory"
is "$(eval_url mail browser)" "allow browser" "after: vmctl policy eval allows mail->browser"
is "$(eval_url work browser)" "ask " "  and other sources still ask"
is "$(ls -A "$user" | tr '\n' ' ')" "50-config-openurl.policy " "no temporary file is left behind"
save_enabled
ok "$((! $?))" "Save is disabled again once saved"

# Reorder and remove: a deny for mail->browser added last changes nothing (first match wins);
# moved to the top it decides. The first move is the row's Up button through its action, the
# second the same button pressed with the keyboard (the focus stays on it after a move).
act add-rule "<('bulkhead.OpenURL', '*', 'mail', 'browser', 'deny', '')>"
act save
settle
is "$(eval_url mail browser)" "allow browser" "a deny added after the allow changes nothing"
act move-rule "<('bulkhead.OpenURL', 2, -1)>"
settle
focus "$wid"
key space
settle
act save
settle 1
is "$(eval_url mail browser)" "deny " "moved up twice (Up button, then Space on it), the deny decides"
like "$(sed -n 4p "$user/50-config-openurl.policy")" "^bulkhead.OpenURL \* mail browser deny$" "  and it is the file's first rule"
act remove-rule "<('bulkhead.OpenURL', 0)>"
settle
act save
settle 1
is "$(eval_url mail browser)" "allow browser" "removed again, the allow decides"
is "$(grep -c '^bulkhead' "$user/50-config-openurl.policy")" 2 "  and the file has two rules"

# "Open in a Disposable" on the Open URL page (Alt+D, as a person would): a rule that opens
# what any VM asks for in a new disposable of the caller's default template.
focus "$wid"
key alt+d
settle
screenshot "$wid" settings-policy-disposable.png
ok $? "screenshot of the Open URL page with its disposable rule"
act save
settle 1
like "$(tail -n1 "$user/50-config-openurl.policy")" '^bulkhead.OpenURL \* @anyvm @dispvm allow$' \
	"Open in a Disposable adds '* @anyvm @dispvm allow'"
is "$(grep -c '^bulkhead' "$user/50-config-openurl.policy")" 3 "  after the two rules there were"
act remove-rule "<('bulkhead.OpenURL', 2)>"
act save
settle 1

# 2. The tester decides with libpolicy and names the rule.
act test-request "<('bulkhead.OpenURL', '', 'mail', 'browser')>"
settle
decision=$(describe decision)
like "$decision" '"result":"allow"' "Test a request: mail->browser is allowed"
like "$decision" '50-config-openurl.policy' "  and the deciding rule is the GUI's"
act test-request "<('bulkhead.OpenURL', '', 'work', '@default')>"
settle
decision=$(describe decision)
like "$decision" '"result":"ask".*"default_target":"browser"' "work->@default asks, preselecting browser"
screenshot "$wid" settings-test.png
ok $? "screenshot of the Test page"

# 3. An invalid rule: the error is shown on the row, Save stays disabled, the file unchanged.
before=$(sha256sum <"$user/50-config-openurl.policy")
act add-rule "<('bulkhead.OpenURL', '*', 'work', 'browser', 'alow', '')>"
settle
like "$(describe problems)" "50-config-openurl.policy:6: .*alow" "an invalid action is reported on its line as you type"
save_enabled
ok "$((! $?))" "  Save is disabled"
key ctrl+s
act save
settle 1
is "$(sha256sum <"$user/50-config-openurl.policy")" "$before" "  Ctrl+S and the save action leave the file unchanged"
act add-rule "<('bulkhead.OpenURL', '*', '@tag:', 'browser', 'allow', '')>"
settle
like "$(describe problems)" "50-config-openurl.policy:7: " "a second bad rule gets its own error line"
act revert
settle
like "$(describe problems)" "\\[<@as \\[\\]>\\]" "Revert drops the unsaved rules and their errors"

# 4. A broken file elsewhere is shown with file:line as soon as it appears (the window watches
#    the policy directories), and blocks saving the whole policy.
until_problem() { # until_problem REGEX: wait (10 s) for the shown errors to match
	local i
	for i in $(seq 100); do
		describe problems | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
save_enabled
ok "$((! $?))" "with nothing to save, Save is disabled"
describe revert | grep -q '^((false,'
ok $? "  and so is Revert"
printf 'bulkhead.Print * @anyvm @anyvm deny\nbulkhead.Print * work @anyvm allow notify=maybe\n' \
	>"$etc/40-broken.policy"
until_problem "$etc/40-broken.policy:2: "
ok $? "a broken file appearing in another directory is shown with its file:line, live"
act add-rule "<('bulkhead.OpenURL', '*', 'work', 'browser', 'allow', '')>"
settle
save_enabled
ok "$((! $?))" "  and keeps Save disabled even for a valid rule"
act save
settle
is "$(sha256sum <"$user/50-config-openurl.policy")" "$before" "  the GUI's file is unchanged"
act select-service "<'bulkhead.Print'>"
settle
screenshot "$wid" settings-policy-error.png
mv "$etc/40-broken.policy" "$tmp/broken.txt"
until_problem "\\[<@as \\[\\]>\\]"
ok $? "once the broken file is gone the error goes too"
save_enabled
ok $? "  and the valid rule can be saved"

# 5. Only the keyboard (and one click into "Other service…"): Alt+2 shows the Policy page, a
#    new service gets a page, Alt+A adds a rule to it, Ctrl+S saves.
focus "$wid"
key alt+2
settle
geometry=$(xwininfo -id "$wid" | awk '/Height:/ {print $2}')
xdotool mousemove --window "$wid" 95 $((geometry - 30)) click 1
settle 0.3
xdotool type --delay 20 'bulkhead.Print'
key Return
settle
key alt+a
settle
key ctrl+s
settle 1
is "$(grep '^bulkhead' "$user/50-config-print.policy" 2>/dev/null)" \
	"bulkhead.Print * @anyvm @anyvm ask" "a new service's page, Alt+A and Ctrl+S write 50-config-print.policy"

act quit
wait_for_exit() {
	local i
	for i in $(seq 100); do
		gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.NameHasOwner org.bulkhead.Settings |
			grep -q false && return 0
		sleep 0.1
	done
	return 1
}
wait_for_exit
ok $? "the quit action closes the application"
wait "$settings_pid"
is "$?" 0 "  with exit status 0"
sanitizer_clean
tap_done
