#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the installed package puts on the machine, checked the way a user or Debian would
# notice it: the commands run, the man pages and completion are found, desktop files, D-Bus
# activation files and user units are valid and point at programs that exist, every program's
# libraries resolve, and the guest programs are where VMs look for them.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
inst_require_package
inst_user_env
trap 'rm -rf "$INST_DIR"' EXIT

want=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$INST_SRC/packaging/debian/changelog")
is "$(dpkg-query -W -f='${Version}' bulkhead)" "$want" "the installed package is this tree's version ($want)"
is "$(command -v vmctl)" /usr/bin/vmctl "vmctl is on PATH from /usr/bin"
like "$(vmctl --version 2>&1)" "${want%%-*}" "vmctl --version names the version"
like "$("$LIBEXEC/bulkheadd" --version 2>&1)" "${want%%-*}" "bulkheadd --version too"
for p in bulkhead-settings bulkhead-ask qrexec-client; do
	is "$(command -v "$p")" "/usr/bin/$p" "$p is on PATH"
done

for page in vmctl vmctl-policy bulkhead-settings bulkhead-ask bulkhead-demo qrexec-client vm-copy-to; do
	like "$(man -w "$page" 2>&1)" "^/usr/share/man/man1/$page\.1" "man $page is found"
done
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings vmctl 2>&1 >/dev/null)
is "$out" "" "  and man vmctl renders without warnings"

comp=/usr/share/bash-completion/completions/vmctl
ok "$([ -r "$comp" ]; echo $?)" "bash completion installed in $comp"
out=$(bash -c '. "$1"; COMP_WORDS=(vmctl pol); COMP_CWORD=1; _vmctl; printf "%s\n" "${COMPREPLY[@]}"' \
	_ "$comp" 2>&1)
is "$out" "policy" "  'vmctl pol<Tab>' completes to policy with the installed vmctl"

for f in /usr/share/applications/bulkhead-settings.desktop /usr/share/applications/bulkhead-ask.desktop; do
	out=$(desktop-file-validate "$f" 2>&1)
	is "$out" "" "desktop-file-validate ${f##*/}: clean"
	exe=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$f")
	ok "$(command -v "$exe" >/dev/null; echo $?)" "  its Exec= ($exe) is on PATH"
done
ok "$([ -r /usr/share/icons/hicolor/scalable/apps/bulkhead.svg ]; echo $?)" "the icon is in the hicolor theme"
ok "$(ls /usr/share/applications/ | grep -q open-url; [ $? -ne 0 ]; echo $?)" \
	"the host gets no handler for VM links in /usr/share/applications"

svc=/usr/share/dbus-1/services
for name in org.bulkhead.Manager1 org.bulkhead.PolicyAgent1; do
	exe=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$svc/$name.service")
	is "$(sed -n 's/^Name=//p' "$svc/$name.service")" "$name" "D-Bus activation file $name.service names $name"
	ok "$([ -x "$exe" ]; echo $?)" "  and runs $exe, which is installed"
done
is "$(sed -n 's/^SystemdService=//p' "$svc/org.bulkhead.Manager1.service")" bulkheadd.service \
	"  Manager1 is activated through the bulkheadd user unit where systemd runs the bus"

for unit in bulkheadd.service bulkhead-policy.service; do
	exe=$(unit_exec_start "$unit" | cut -d' ' -f1)
	ok "$([ -x "$exe" ]; echo $?)" "user unit $unit runs $exe, which is installed"
	# Enabled for every user by the package (dh_installsystemduser, deb-systemd-helper --user).
	ok "$([ -L "/etc/systemd/user/graphical-session.target.wants/$unit" ]; echo $?)" \
		"  enabled for all users in graphical-session.target"
	like "$(grep -E '^Restart=' "$UNITS/$unit")" '^Restart=on-failure$' "  restarts on failure"
done
out=$(systemd-analyze verify --user "$UNITS/bulkheadd.service" "$UNITS/bulkhead-policy.service" 2>&1)
is "$?" 0 "systemd-analyze verify --user passes for both units"
[ -z "$out" ] || diag "$out"

missing=
for f in $(dpkg -L bulkhead); do
	[ -f "$f" ] && [ ! -L "$f" ] && head -c 4 "$f" | grep -q 'ELF' || continue
	ldd "$f" 2>&1 | grep -q 'not found' && missing="$missing $f"
done
is "$missing" "" "every installed program's libraries resolve (ldd)"
outside=$(dpkg -L bulkhead | grep -vE '^/(\.|usr(/.*)?|etc|etc/bulkhead(/.*)?)$' || true)
is "$outside" "" "the package installs nothing outside /usr but its policy in /etc/bulkhead"
policy=/etc/bulkhead/policy.d/90-default.policy
like "$(dpkg-query -W -f='${Conffiles}' bulkhead)" "^ $policy [0-9a-f]{32}$" \
	"  $policy is a conffile (your edits survive upgrades)"
out=$(vmctl policy check 2>&1)
is "$?" 0 "vmctl policy check: the installed default policy loads"
[ "$out" = "" ] || diag "$out"

for p in qrexec-agent gui-agent qrexec-client-vm vm-open-url vm-open-in-vm vm-open-in-dvm \
	vm-copy-to vm-move-to vm-copy vm-move filecopy-send filecopy-receive bulkhead-start-app \
	vm-print vm-save-to savefile-chooser bulkhead-cups-backend bulkhead-portal-filechooser; do
	ok "$([ -x "$GUEST/bin/$p" ]; echo $?)" "guest program $GUEST/bin/$p"
done
for s in bulkhead.OpenURL bulkhead.OpenInVM bulkhead.Filecopy bulkhead.Print bulkhead.PrintRender \
	bulkhead.SaveFile bulkhead.Backup; do
	ok "$([ -x "$GUEST/rpc/$s" ]; echo $?)" "guest service $GUEST/rpc/$s"
done
for p in bulkheadd qrexec-daemon qrexec-policy-daemon guid guest-init bulkhead-mkinitramfs \
	bulkhead-extract-vmlinux net-filter bulkhead-print-filter bulkhead-print-sanitise; do
	ok "$([ -x "$LIBEXEC/$p" ]; echo $?)" "host program $LIBEXEC/$p"
done
tap_done
