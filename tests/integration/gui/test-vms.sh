#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VMs page against the real bulkheadd (libvirt's test:///default driver: real API, no
# QEMU), on a private session bus: the "manager not running" state, the list appearing when
# the manager starts, and Create / Start / Shut Down / Remove done with the keyboard on the
# real window and its dialogs (xdotool), read back from bulkheadd itself.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/integration/gui/lib.sh"
settings_exe=${1:?usage: test-vms.sh BULKHEAD-SETTINGS BULKHEADD GUEST-INIT}
bulkheadd=${2:?}
guest_init=${3:?}
[ -x "$bulkheadd" ] || skip_all "bulkheadd is not built"

gui_setup

act() {
	gdbus call --session --dest org.bulkhead.Settings --object-path /org/bulkhead/Settings \
		--method org.gtk.Actions.Activate "$1" "[${2:-}]" '{}' >/dev/null
}
state() { # state ACTION: the state the window mirrors on that action
	gdbus call --session --dest org.bulkhead.Settings --object-path /org/bulkhead/Settings \
		--method org.gtk.Actions.Describe "$1" | sed 's/^((.*, \[<\(.*\)>\]),)$/\1/'
}
manager() {
	gdbus call --session --dest org.bulkhead.Manager1 --object-path /org/bulkhead/Manager1 \
		--method "org.bulkhead.Manager1.$1" "${@:2}"
}
until_state() { # until_state ACTION REGEX: wait (20 s) for the mirrored state to match
	local i
	for i in $(seq 200); do
		state "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

"$settings_exe" --policy-dir "$tmp/policy" 2>"$tmp/settings.log" &
settings_pid=$!
gui_pids="$settings_pid $gui_pids"
wait_for_name org.bulkhead.Settings
wid=$(find_window '^Bulkhead Settings$')
ok "$([ -n "$wid" ]; echo $?)" "the settings window is shown"
sleep 1
is "$(state manager)" "false" "without bulkheadd the VMs page shows 'Bulkhead manager not running'"
screenshot "$wid" settings-vms-offline.png

# The real manager, on libvirt's test driver, with the helpers it needs from this build.
export BULKHEAD_GUEST_INIT=$guest_init
export BULKHEAD_MKINITRAMFS=$src/hypervisor/bulkhead-mkinitramfs.sh
export BULKHEAD_EXTRACT_VMLINUX=$src/hypervisor/bulkhead-extract-vmlinux.sh
mkdir -p "$tmp/state" "$tmp/run"
"$bulkheadd" --connect test:///default --state-dir "$tmp/state" --runtime-dir "$tmp/run" \
	2>"$tmp/bulkheadd.log" &
bulkheadd_pid=$!
gui_pids="$bulkheadd_pid $gui_pids"
wait_for_name org.bulkhead.Manager1 || { cat "$tmp/bulkheadd.log" >&2; skip_all "bulkheadd did not start"; }
until_state manager true
ok $? "when bulkheadd appears on the bus the page shows its VM list by itself"

# Create with the keyboard: Alt+C opens the dialog, the name is typed, the label chosen with the
# arrow keys, and Enter in the name field creates.
act select-page "<'vms'>"
focus "$wid"
key alt+c
dlg=$(find_window '^Create VM$')
ok "$([ -n "$dlg" ]; echo $?)" "Alt+C opens the Create VM dialog"
xdotool type --delay 30 'work'
key Tab Down Down Down Down Down shift+Tab
key Return
until_state vms "work Halted blue AppVM host none"
ok $? "Enter creates the VM through bulkheadd; the list shows it Halted, blue, on template host"
manager ListVMs | grep -q "'work': {'class': <'AppVM'>, 'label': <'blue'>"
ok $? "  and bulkheadd has it with that label"
focus "$wid"
key alt+c
find_window '^Create VM$' >/dev/null
xdotool type --delay 30 'mail'
key Return
until_state vms "mail Halted red AppVM host"
ok $? "a second VM, with the default label (red)"

# The default print VM: chosen among the listed VMs, saved at once, and the policy follows.
is "$(state print-vm)" "''" "no default print VM at first"
act set-print-vm "<'work'>"
until_state print-vm "'work'"
ok $? "choosing work as the default print VM shows it chosen"
like "$(cat "$XDG_CONFIG_HOME/bulkhead/global.conf" 2>/dev/null)" "^default_print_vm = work$" \
	"  global.conf holds it (as vmctl prefs --global sets it)"
like "$(cat "$XDG_CONFIG_HOME/bulkhead/policy.d/50-config-print.policy" 2>/dev/null)" \
	"bulkhead.Print  \*  @anyvm  @default  ask default_target=work" \
	"  and the policy preselects work for print jobs"
act set-print-vm "<''>"
until_state print-vm "''"
ok $? "None clears it"

# Start and shut down the selected VM with the buttons' mnemonics.
act select-vm "<'work'>"
focus "$wid"
key alt+s
until_state vms "work Running"
ok $? "Alt+S starts the selected VM"
screenshot "$wid" settings-vms.png
ok $? "screenshot of the VMs page"
key alt+d
# libvirt's test driver has no ACPI shutdown, so bulkheadd refuses; either way the page must
# show the outcome: the VM halted, or bulkheadd's error naming the VM.
for i in $(seq 200); do
	state vms | grep -q "work Halted" && break
	state vm-error | grep -Eq "VM .?work" && break
	sleep 0.1
done
ok "$([ "$i" -lt 200 ]; echo $?)" "Alt+D asks bulkheadd to shut it down, and the page shows the result"

# The Network selector follows the selected VM and sets its net (docs/networking.md).
act select-vm "<'mail'>"
focus "$wid"
key alt+n Down
for i in $(seq 100); do
	manager GetProperty mail net | grep -q "'nat'" && break
	sleep 0.1
done
ok "$([ "$i" -lt 100 ]; echo $?)" "Alt+N then Down sets the selected VM's network to nat"
until_state vms "mail [A-Za-z]+ red AppVM host nat"
ok $? "  and the list's Network column shows nat for it"
manager GetProperty work net | grep -q "'none'"
ok $? "  and only that VM's"

# Remove asks first; Esc keeps the VM, Alt+R in the question removes it.
act select-vm "<'mail'>"
focus "$wid"
key alt+r
q=$(find_window '^Remove VM$')
ok "$([ -n "$q" ]; echo $?)" "Remove asks for confirmation"
key Escape
sleep 1
manager ListVMs | grep -q "'mail'"
ok $? "  Esc keeps the VM"
act select-vm "<'mail'>"
focus "$wid"
key alt+r
find_window '^Remove VM$' >/dev/null
key alt+r
until_state vms "^\[('work [^']*')?\]$"
ok $? "  Alt+R in the question removes it"
manager ListVMs | grep -q "'mail'"
ok "$((! $?))" "  and bulkheadd no longer has it"

# The manager going away is noticed too.
kill "$bulkheadd_pid"
wait "$bulkheadd_pid" 2>/dev/null
until_state manager false
ok $? "when bulkheadd stops the page says the manager is not running"

act quit
wait "$settings_pid"
is "$?" 0 "bulkhead-settings exits with status 0"
sanitizer_clean
tap_done
