#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host's application menu: a new VM gets a folder with its template's terminal; `vmctl
# menu add/remove` edits it; an entry's own Exec line, run as a desktop would run it, starts
# the VM and the application in it, as the VM's user; removing the VM removes its menu.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
for p in xterm dillo desktop-file-validate; do command -v $p >/dev/null || skip_all "$p not installed"; done
# The menu's entries run this vmctl; the VM needs its display for xterm.
export BULKHEAD_VMCTL=$VMCTL BULKHEAD_GUEST_GUI=1
e2e_setup # XDG_DATA_HOME and XDG_CONFIG_HOME are the test's own
apps=$XDG_DATA_HOME/applications/bulkhead/work

"$VMCTL" create work --label blue; ok $? "create work"
ls "$apps"/debian-*xterm.desktop >/dev/null 2>&1; ok $? "a new VM's menu has its template's terminal"
term=$("$VMCTL" prefs work menu)
like "$term" "^debian-u?xterm$" "  and its menu property says so"
grep -qE '^Name=\[work\] U?XTerm$' "$apps/$term.desktop"
ok $? "  named [work] XTerm"
grep -qE "^Exec=.*/vmctl run work -- bulkhead-start-app $term\$" "$apps/$term.desktop"
ok $? "  that starts it in work"
out=$(desktop-file-validate "$apps/$term.desktop" 2>&1 | grep -v 'hint:')
is "$out" "" "  a valid desktop entry (desktop-file-validate)"
like "$(cat "$XDG_CONFIG_HOME/menus/applications-merged/bulkhead-work.menu" 2>/dev/null)" \
	'<Directory>bulkhead-work.directory</Directory>' "a menu folder of its own"
like "$(cat "$XDG_DATA_HOME/desktop-directories/bulkhead-work.directory" 2>/dev/null)" \
	'Icon=bulkhead-label-blue' "  with the label's colour as its icon"
like "$(cat "$XDG_DATA_HOME/icons/hicolor/scalable/apps/bulkhead-label-blue.svg" 2>/dev/null)" \
	'fill="#3465a4"' "  an icon drawn in blue"

list=$("$VMCTL" menu list work --json)
like "$list" '\{"id": "dillo", "name": "Dillo", "in_menu": false\}' "menu list --json offers the template's applications"
like "$list" "\"id\": \"$term\", \"name\": \"U?XTerm\", \"in_menu\": true" "  and marks those in the menu"
"$VMCTL" menu add work dillo; ok $? "menu add work dillo"
like "$(cat "$apps/dillo.desktop" 2>/dev/null)" 'Name=\[work\] Dillo' "  writes [work] Dillo"
err=$("$VMCTL" menu add work no-such-app 2>&1); is "$?" 1 "adding an application the template lacks fails"
like "$err" "no-such-app" "  naming it"
"$VMCTL" menu remove work dillo; ok $? "menu remove work dillo"
[ ! -e "$apps/dillo.desktop" ]; ok $? "  removes its entry"
is "$("$VMCTL" prefs work menu)" "$term" "  and keeps the others"

# As a desktop runs an entry: its Exec line, field codes and all, with the VM halted.
exec_line=$(sed -n 's/^Exec=//p' "$apps/$term.desktop")
is "$("$VMCTL" prefs work state)" "Halted" "work is halted before the menu is used"
timeout 180 sh -c "$exec_line" >/dev/null 2>&1; ok $? "the entry's command starts the VM and the application"
found=
for _ in $(seq 1 60); do
	found=$(timeout 30 "$VMCTL" run work -- pgrep -u user -x xterm </dev/null 2>/dev/null) && break
	sleep 1
done
ok "$([ -n "$found" ]; echo $?)" "  xterm runs in work, as the VM's user"

"$VMCTL" shutdown work --wait; ok $? "shutdown work"
"$VMCTL" remove work; ok $? "remove work"
[ ! -e "$apps" ] && [ ! -e "$XDG_CONFIG_HOME/menus/applications-merged/bulkhead-work.menu" ]
ok $? "  its menu is gone with it"
e2e_stop_bulkheadd
tap_done
