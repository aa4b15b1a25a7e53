#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The installed package in use, as a user who just installed it: no BULKHEAD_* variable, a
# session bus of dbus-daemon's own session config (so the package's activation files start
# bulkheadd), the policy daemon run by its user unit's ExecStart=, policy in ~/.config. Two
# real VMs boot from the installed layout (their /opt/bulkhead is /usr/lib/bulkhead/guest):
# a tree copied work->personal arrives byte for byte, a copy the policy denies does not, and a
# link opened in work opens in personal's browser.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
inst_require_package
ls /boot/vmlinuz-* >/dev/null 2>&1 || {
	echo "Bail out! no kernel in /boot for the VMs (the package depends on linux-image-amd64)"
	exit 1
}
inst_user_env

POLICY_PID= BULKHEADD_PID=
qemu_pids() { pgrep -f "qemu-system-x86_64.*$INST_DIR" || true; }

# QEMU first: libvirt daemonizes it out of our process group.
cleanup() {
	local status=$?
	for p in $(qemu_pids); do kill -9 "$p" 2>/dev/null; done
	[ -n "$BULKHEADD_PID" ] && kill "$BULKHEADD_PID" 2>/dev/null
	[ -n "$POLICY_PID" ] && kill "$POLICY_PID" 2>/dev/null
	for p in $(pgrep -f "$INST_DIR" || true); do kill "$p" 2>/dev/null; done
	[ -s "$INST_DIR/bus.pid" ] && kill "$(cat "$INST_DIR/bus.pid")" 2>/dev/null
	if [ "$status" -ne 0 ] || [ "$tap_failed" -ne 0 ]; then
		diag "policy daemon log:"; tail -20 "$INST_DIR/policy.log" 2>/dev/null | sed 's/^/#   /'
		for f in "$HOME"/.local/state/bulkhead/vms/*/console.log; do
			[ -f "$f" ] && { diag "$f:"; tail -15 "$f" | sed 's/^/#   /'; }
		done
	fi
	sleep 0.5
	rm -rf "$INST_DIR"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bus_owner_pid() {
	dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.GetConnectionUnixProcessID "string:$1" 2>/dev/null | awk '{print $2}'
}

wait_for() { # wait_for SECONDS COMMAND...
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.5
	done
}

# The user's session bus, as a desktop session has it: dbus-daemon's own session config.
dbus-daemon --session --fork --print-address=3 --print-pid=4 \
	3>"$INST_DIR/bus.addr" 4>"$INST_DIR/bus.pid" || { echo "Bail out! no dbus-daemon"; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(cat "$INST_DIR/bus.addr")
export DBUS_SESSION_BUS_ADDRESS

out=$(timeout 60 vmctl list --json 2>&1)
is "$out" "{}" "the first vmctl call starts bulkheadd through D-Bus activation"
BULKHEADD_PID=$(bus_owner_pid org.bulkhead.Manager1)
is "$(readlink "/proc/${BULKHEADD_PID:-0}/exe" 2>/dev/null)" "$LIBEXEC/bulkheadd" \
	"  the installed $LIBEXEC/bulkheadd"
ok "$([ -d "$HOME/.local/state/bulkhead/libvirt" ]; echo $?)" \
	"  with its state (libvirt's embed root) in ~/.local/state/bulkhead"

mkdir -p "$HOME/.config/bulkhead/policy.d"
cat >"$HOME/.config/bulkhead/policy.d/50-installed.policy" <<'POLICY'
bulkhead.Filecopy  *  work    personal  allow
bulkhead.Filecopy  *  @anyvm  @anyvm    deny
bulkhead.OpenURL   *  work    @default  allow target=personal
POLICY
# As `systemctl --user start bulkhead-policy` would run it.
read -r -a policy_cmd <<<"$(unit_exec_start bulkhead-policy.service)"
"${policy_cmd[@]}" >>"$INST_DIR/policy.log" 2>&1 &
POLICY_PID=$!
wait_for 30 test -S "$XDG_RUNTIME_DIR/bulkhead/policy.sock"
ok $? "the policy daemon, started as its unit does, listens in \$XDG_RUNTIME_DIR/bulkhead"

vmctl create work --label blue && vmctl create personal --label green
ok $? "vmctl create work and personal"
# The host's menu gains the VM's terminal, in the user's own data dir, run by the installed vmctl.
entry=$(ls "$HOME"/.local/share/applications/bulkhead/work/*.desktop 2>/dev/null | head -n 1)
like "$(cat "$entry" 2>/dev/null)" $'\nExec=/usr/bin/vmctl run work -- bulkhead-start-app ' \
	"work's applications are in the menu (~/.local/share/applications), run by /usr/bin/vmctl"
# Hints (its own category, X-Bulkhead-VM-work, is not a main one) are not errors.
is "$(desktop-file-validate "$entry" 2>&1 | grep -v 'hint:')" "" "  as valid desktop entries"
vmctl start work && vmctl start personal
ok $? "vmctl start both"
out=$(timeout 180 vmctl run work -- readlink -f /opt/bulkhead 2>&1)
is "$out" "$GUEST" "in a VM, /opt/bulkhead is the package's $GUEST"
out=$(timeout 120 vmctl run personal -- id -un 2>&1)
is "$out" "user" "vmctl run reaches personal's agent and runs as the VM's user"

# File copy: what `vmctl copy` does, with the guest's vm-copy-to, the broker and the
# receiving VM's bulkhead.Filecopy, all from the package.
sums='find . -type f | LC_ALL=C sort | xargs md5sum'
timeout 60 vmctl run work -- sh -c 'mkdir -p /tmp/docs/sub && printf "hello\n" >/tmp/docs/a.txt &&
	head -c 2000000 /dev/urandom >/tmp/docs/sub/b.bin && ln -s ../a.txt /tmp/docs/sub/link'
ok $? "make a tree in work"
want=$(timeout 60 vmctl run work -- sh -c "cd /tmp/docs && $sums")
timeout 120 vmctl copy /tmp/docs 'work->personal' 2>"$INST_DIR/copy.err"
is "$?" 0 "vmctl copy /tmp/docs 'work->personal' exits 0"
like "$(cat "$INST_DIR/copy.err")" "Copied [0-9]+ items" "  and says what it copied"
got=$(timeout 60 vmctl run personal -- sh -c "cd ~/Incoming/work/docs && $sums")
is "$got" "$want" "  every file arrived byte for byte in personal's ~/Incoming/work/"
is "$(timeout 60 vmctl run personal -- sh -c 'readlink ~/Incoming/work/docs/sub/link' 2>/dev/null)" \
	"../a.txt" "  with its relative link"
timeout 60 vmctl run personal -- sh -c 'printf secret >/tmp/s.txt'
timeout 60 vmctl copy /tmp/s.txt 'personal->work' 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a copy personal->work, denied by policy, fails"
is "$(timeout 60 vmctl run work -- sh -c 'test -e ~/Incoming && echo written || echo nothing')" \
	"nothing" "  and nothing reaches work"

# A link opened in work (xdg-open, as a mailer does) opens in personal's browser.
url="http://example.org/bulkhead-installed-$$/report.html"
timeout 60 vmctl run work -- xdg-open "$url"
is "$?" 0 "xdg-open $url in work exits 0"
browser_has_url() { timeout 30 vmctl run personal -- pgrep -f -- "$url" >/dev/null 2>&1; }
wait_for 120 browser_has_url
ok $? "  a browser in personal opens it"
diag "$(timeout 30 vmctl run personal -- pgrep -af -- "$url" 2>&1 | head -n 1)"
like "$(vmctl log 2>&1 | grep bulkhead.OpenURL)" 'allow +work -> @default +bulkhead.OpenURL +\(to personal\)' \
	"  the decision is in the audit log (vmctl log)"

vmctl shutdown work --wait && vmctl shutdown personal --wait
ok $? "vmctl shutdown both"
is "$(qemu_pids | wc -l)" 0 "no QEMU process left"
kill "$BULKHEADD_PID" && wait_for 10 sh -c "! kill -0 $BULKHEADD_PID"
ok $? "bulkheadd ends on SIGTERM"
BULKHEADD_PID=
tap_done
