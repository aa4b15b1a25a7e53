#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# "Edit the policy in the settings GUI, and the broker obeys it at once": the real
# bulkhead-settings writes its policy file into the directory the real policy daemon watches,
# and the very next call between two process VMs is decided by it, with no restart.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
settings_exe=${1:?usage: test-settings-broker.sh BULKHEAD-SETTINGS}
command -v Xvfb >/dev/null || skip_all "Xvfb is not installed"

export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
tb_init
tb_vm mail
tb_vm browser
tb_service browser bulkhead.OpenURL 'echo "opened in $(basename "$HOME" 2>/dev/null) from $QREXEC_REMOTE_DOMAIN"'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

tb_host_display
tb_bg settings env ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$TB/sanitizer" \
	"$settings_exe" --policy-dir "$TB/policy.d" --system-info "$TB/system-info.json"
tb_wait_bus_name org.bulkhead.Settings

act() { # act NAME [PARAMETER-GVARIANT]: what the window's buttons do, over D-Bus
	gdbus call --session --dest org.bulkhead.Settings --object-path /org/bulkhead/Settings \
		--method org.gtk.Actions.Activate "$1" "[${2:-}]" '{}' >/dev/null
}
open_url() { # open_url: mail calls bulkhead.OpenURL in browser; "STATUS OUTPUT"
	local out
	out=$(tb_run mail qrexec-client-vm browser bulkhead.OpenURL </dev/null 2>/dev/null)
	echo "$? $out"
}
saved() { # saved PATTERN: until the GUI's file holds PATTERN (5 s)
	for _ in $(seq 50); do
		grep -qE "$1" "$TB/policy.d/50-config-openurl.policy" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

like "$(open_url)" '^126 ' "no rule: mail -> browser OpenURL is refused (126)"

act add-rule "<('bulkhead.OpenURL', '*', 'mail', 'browser', 'allow', '')>"
act save
saved '^bulkhead\.OpenURL[[:space:]]+\*[[:space:]]+mail[[:space:]]+browser[[:space:]]+allow'
ok $? "the settings window saves the allow rule in 50-config-openurl.policy"
like "$(open_url)" '^0 opened in .* from mail$' "the very next call is allowed and runs in browser"

act remove-rule "<('bulkhead.OpenURL', 0)>"
act add-rule "<('bulkhead.OpenURL', '*', 'mail', 'browser', 'deny', '')>"
act save
saved '^bulkhead\.OpenURL[[:space:]]+\*[[:space:]]+mail[[:space:]]+browser[[:space:]]+deny'
ok $? "the rule is changed to deny and saved"
like "$(open_url)" '^126 ' "the very next call is refused again: no restart needed"
like "$(tail -n1 "$TB/state/audit.log")" '"decision":"deny".*50-config-openurl.policy' \
	"the audit log names the GUI's file as the deciding rule"

tb_kill_wait "$(cat "$TB/pids/extra-settings")"
reports=$(cat "$TB"/sanitizer.* 2>/dev/null)
ok "$([ -z "$reports" ]; echo $?)" "no sanitizer reports from bulkhead-settings"
tap_done
