#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vmctl prefs --global default_print_vm: saved in global.conf, and the policy follows it: a
# print job for @default asks with that VM preselected among every VM (vmctl policy eval).
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
VMCTL=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export XDG_CONFIG_HOME=$T/config
cat >"$T/si.json" <<'JSON'
{"domains": {"dom0": {"type": "AdminVM", "tags": [], "default_dispvm": "", "template_for_dispvms": false, "power_state": "Running"},
 "work": {"type": "AppVM", "tags": [], "default_dispvm": "", "template_for_dispvms": false, "power_state": "Running"},
 "print": {"type": "AppVM", "tags": [], "default_dispvm": "", "template_for_dispvms": false, "power_state": "Running"},
 "mail": {"type": "AppVM", "tags": [], "default_dispvm": "", "template_for_dispvms": false, "power_state": "Halted"}}}
JSON
eval_print() {
	"$VMCTL" policy eval --policy-dir "$T/config/bulkhead/policy.d" --system-info "$T/si.json" \
		bulkhead.Print work @default 2>&1
}

is "$("$VMCTL" prefs --global default_print_vm)" "" "default_print_vm is unset at first"
"$VMCTL" prefs --global default_print_vm print
is "$?" 0 "vmctl prefs --global default_print_vm print"
is "$("$VMCTL" prefs --global default_print_vm)" "print" "  reads back"
like "$(cat "$T/config/bulkhead/global.conf")" "^default_print_vm = print$" "  global.conf holds it"
out=$(eval_print)
like "$out" "result: ask" "a job for @default asks"
like "$out" "targets for ask: mail, print" "  offering every other VM"
like "$out" "default target: print" "  with print preselected"
"$VMCTL" prefs --global default_print_vm mail
like "$(eval_print)" "default target: mail" "changing the setting changes the policy's default"
"$VMCTL" prefs --global default_print_vm ''
is "$("$VMCTL" prefs --global default_print_vm)" "" "'' unsets it"
out=$(eval_print)
ok "$(grep -q 'default target' <<<"$out"; [ $? -ne 0 ]; echo $?)" "  and the ask has no preselection"
"$VMCTL" prefs --global default_print_vm 'no such/name' 2>"$T/err"
is "$?" 2 "a value that is not a VM name is a usage error"
is "$("$VMCTL" prefs --global print_render)" "" "print_render is unset at first (a disposable when there is a template)"
"$VMCTL" prefs --global print_render host
is "$?" 0 "vmctl prefs --global print_render host"
is "$("$VMCTL" prefs --global print_render)" "host" "  reads back"
like "$("$VMCTL" prefs --global)" "print_render +host" "  and shows among all global settings"
"$VMCTL" prefs --global print_render dispvm
is "$("$VMCTL" prefs --global print_render)" "dispvm" "print_render dispvm"
"$VMCTL" prefs --global print_render elsewhere 2>"$T/err"
is "$?" 2 "print_render elsewhere is a usage error"
like "$(cat "$T/err")" "print_render: not host or dispvm" "  that says what is expected"
"$VMCTL" prefs --global print_render ''
is "$("$VMCTL" prefs --global print_render)" "" "  '' unsets it"
"$VMCTL" prefs --global colour red 2>"$T/err"
is "$?" 2 "an unknown global key is a usage error"
like "$(cat "$T/err")" "unknown global key: colour" "  named in the message"
tap_done
