# SPDX-License-Identifier: GPL-2.0-or-later
# The e2e harness for real VMs: each test gets its own dbus-daemon, bulkheadd, state and
# runtime dirs, and leaves nothing behind (QEMU processes included) whatever happens.
# Source after tests/lib/tap.sh. Needs the build-tree paths meson passes in the environment.
set -u

e2e_skip_unless_possible() {
	command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 not installed"
	command -v dbus-daemon >/dev/null || skip_all "dbus-daemon not installed"
	ls /boot/vmlinuz-* >/dev/null 2>&1 || skip_all "no kernel in /boot (linux-image-amd64)"
	if [ "$(id -u)" -eq 0 ] && ! getent passwd libvirt-qemu >/dev/null; then
		skip_all "as root, libvirt's QEMU driver needs the libvirt-qemu user (libvirt-daemon-system)"
	fi
	[ -x "${BULKHEAD_QREXEC_DAEMON:-}" ] || skip_all "qrexec-daemon not built"
}

# Short paths: the channel sockets live under the runtime dir (108-byte sun_path limit).
e2e_setup() {
	# guid is started only for a test that asks for a host display (E2E_DISPLAY).
	if [ -n "${E2E_DISPLAY:-}" ]; then export DISPLAY=$E2E_DISPLAY; else unset DISPLAY; fi
	E2E_DIR=$(mktemp -d /tmp/bh-e2e.XXXXXX)
	export BULKHEAD_STATE_DIR=$E2E_DIR/state BULKHEAD_RUNTIME_DIR=$E2E_DIR/run
	# XDG_DATA_HOME: bulkheadd writes each VM's menu entries there (hypervisor/menu.c).
	export XDG_RUNTIME_DIR=$E2E_DIR/xdg XDG_CONFIG_HOME=$E2E_DIR/config XDG_DATA_HOME=$E2E_DIR/data
	mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM
	dbus-daemon --config-file="$BULKHEAD_SOURCE_ROOT/tests/lib/test-bus.conf" --fork \
		--print-address=3 --print-pid=4 \
		3>"$E2E_DIR/bus.addr" 4>"$E2E_DIR/bus.pid" || { echo "Bail out! no dbus-daemon"; exit 99; }
	DBUS_SESSION_BUS_ADDRESS=$(cat "$E2E_DIR/bus.addr")
	export DBUS_SESSION_BUS_ADDRESS
	e2e_start_bulkheadd
}

# e2e_host_display: an Xvfb of the test's own as the host display. Call it before e2e_setup:
# bulkheadd hands DISPLAY to each VM's guid. e2e_cleanup stops it.
e2e_host_display() {
	local fifo disp
	fifo=$(mktemp -u) && mkfifo "$fifo"
	Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x1024x24 3>"$fifo" >/dev/null 2>&1 &
	E2E_XVFB_PID=$!
	read -r disp <"$fifo"
	rm -f "$fifo"
	export DISPLAY=":$disp" E2E_DISPLAY=":$disp"
}

# e2e_policy RULE...: the policy daemon on a policy of the test's own, one rule per argument,
# with its audit log in $E2E_DIR/audit.log. e2e_cleanup stops it.
e2e_policy() {
	mkdir -p "$E2E_DIR/policy"
	printf '%s\n' "$@" >"$E2E_DIR/policy/50-e2e.policy"
	"$BULKHEAD_QREXEC_POLICY_DAEMON" --policy-dir "$E2E_DIR/policy" \
		--audit-log "$E2E_DIR/audit.log" >>"$E2E_DIR/policy.log" 2>&1 &
	E2E_POLICY_PID=$!
}

e2e_start_bulkheadd() {
	"$BULKHEADD" >>"$E2E_DIR/bulkheadd.log" 2>&1 &
	BULKHEADD_PID=$!
	for _ in $(seq 1 100); do
		"$VMCTL" list >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "Bail out! bulkheadd did not come up"; cat "$E2E_DIR/bulkheadd.log" | sed 's/^/# /'
	exit 99
}

# Stop bulkheadd as the session would (SIGTERM) and check it left cleanly: exit 0, and no
# sanitizer report in its log (an ASan build's leaks and UB show up here).
e2e_stop_bulkheadd() {
	kill "$BULKHEADD_PID"
	wait "$BULKHEADD_PID"
	is "$?" 0 "bulkheadd exits cleanly on SIGTERM"
	! grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$E2E_DIR/bulkheadd.log"
	ok $? "  with no sanitizer report"
	# A finding is an ERROR line; LeakSanitizer's own tracer crashing at an exit ("has
	# encountered a fatal error", seen once in CI under load, at an exit a test forced
	# earlier) means that exit went unchecked, not that it leaked: said, not failed.
	if grep -q 'Sanitizer has encountered a fatal error' "$E2E_DIR/bulkheadd.log"; then
		diag "LeakSanitizer failed at one of bulkheadd's exits: that exit was not checked"
	fi
	BULKHEADD_PID=
}

# Every QEMU whose command line names our state dir, i.e. ours and only ours.
e2e_qemu_pids() {
	pgrep -f "qemu-system-x86_64.*$E2E_DIR" || true
}

e2e_daemon_pids() {
	pgrep -f "qrexec-daemon .*$E2E_DIR" || true
}

# QEMU first: libvirt daemonizes it out of the test's process group, so if meson's timeout
# kills this script before the end, nothing else would stop it.
e2e_cleanup() {
	local status=$?
	for p in $(e2e_qemu_pids); do kill -9 "$p" 2>/dev/null; done
	[ -n "${BULKHEADD_PID:-}" ] && kill "$BULKHEADD_PID" 2>/dev/null && wait "$BULKHEADD_PID" 2>/dev/null
	for p in $(e2e_daemon_pids); do kill -9 "$p" 2>/dev/null; done
	[ -s "$E2E_DIR/bus.pid" ] && kill "$(cat "$E2E_DIR/bus.pid")" 2>/dev/null
	for p in ${E2E_POLICY_PID:-} ${E2E_XVFB_PID:-}; do kill "$p" 2>/dev/null; done
	if [ "$status" -ne 0 ] || [ "$tap_failed" -ne 0 ]; then
		diag "bulkheadd log:"; sed 's/^/#   /' "$E2E_DIR/bulkheadd.log" 2>/dev/null | tail -40
		for f in "$E2E_DIR"/state/vms/*/console.log; do
			[ -f "$f" ] && { diag "$f:"; tail -15 "$f" | sed 's/^/#   /'; }
		done
	fi
	rm -rf "$E2E_DIR"
	exit "$status"
}

# wait_state VM STATE [SECONDS]: poll vmctl until the VM reaches STATE.
wait_state() {
	local vm=$1 want=$2 secs=${3:-60} got=
	for _ in $(seq 1 $((secs * 5))); do
		got=$("$VMCTL" prefs "$vm" state 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.2
	done
	diag "VM $vm: state '$got', waited for '$want'"
	return 1
}

# The kernel the VMs boot: the newest in /boot with modules, as bulkheadd picks it.
guest_kernel_version() {
	for k in $(ls /boot/vmlinuz-* | sed 's|/boot/vmlinuz-||' | sort -rV); do
		[ -r "/lib/modules/$k/modules.dep" ] && { echo "$k"; return; }
	done
}
