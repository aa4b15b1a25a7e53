# SPDX-License-Identifier: GPL-2.0-or-later
# The process-VM test bed: N "VMs" as host processes, each with its own RPC service directory,
# home folder, qrexec channel (a socketpair between its qrexec-agent and its qrexec-daemon) and,
# on demand, its own Xvfb display; plus a private dbus-daemon, the policy daemon with a policy
# directory and a system-info file. Everything is torn down at exit, no process left behind.
# The GUI, file-copy and clipboard tests build on it.
#
# Usage (bash; BULKHEAD_SOURCE_ROOT and BULKHEAD_BUILD_ROOT are set by meson test):
#
#   . "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
#   . "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
#   tb_init                                  # $TB (temp dir), private bus, trap tb_teardown EXIT
#   tb_vm mail                               # declare VMs (before tb_start)
#   tb_vm browser --xvfb --label blue        # ... with its own X display ($(tb_display browser))
#   tb_policy 50-test 'bulkhead.OpenURL * mail @default allow target=browser'
#   tb_service browser my.Echo 'cat'         # an executable service (sh script body)
#   tb_socket_service browser my.Fast CMD... # a socket service served by CMD (stdin/stdout)
#   tb_start                                 # system info, policy daemon, every VM's pair
#   tb_run mail qrexec-client-vm browser my.Echo <in >out   # run a command "inside" mail
#   tb_host qrexec-client -d browser my.Echo  # run a host-side command (runtime dir set)
#   tb_stop_vm browser / tb_start_vm browser  # stop or (re)start one VM's agent and daemon
#   tb_vm_setenv browser BULKHEAD_BROWSER=/path/to/fake-browser   # VM-wide env (before start)
#   tb_vm_alive browser                      # 0 while its daemon runs
#   tb_daemon_status browser                 # after it ended: the daemon's exit status
#   tb_bg NAME CMD...                        # a helper process, killed at teardown
#   tb_kill_wait PID                         # TERM, wait up to 5 s, then KILL
#   tb_host_display                          # an Xvfb as the host's display, exports DISPLAY
#   tb_wait_bus_name NAME                    # until NAME is owned on the private bus
#   tb_strays                                # PIDs still mentioning $TB (expect none after
#                                            # tb_teardown)
#   tb_vm NAME --type DispVM --tags "a b"    # type/tags/label go into system-info.json
#
# VM NAME's files: $TB/vm/NAME (rpc/ = its --rpc-dir, home/, bin/ first on its PATH, display,
# env). `env $(tb_vm_env NAME) CMD` is tb_run for programs that need it in a pipeline or timeout.
# Host commands (qrexec-client, vmctl log) see BULKHEAD_RUNTIME_DIR=$TB/run and
# BULKHEAD_STATE_DIR=$TB/state and the private DBUS_SESSION_BUS_ADDRESS; meson's integration
# env puts the built qrexec/ on PATH.
#
# Layout under $TB: run/ (host runtime dir: run/qrexec/VM.sock, run/policy.sock),
# state/ (audit.log), policy.d/, system-info.json, bus (D-Bus socket), log/ (every process's
# stderr: log/VM.log, log/policy.log), vm/NAME/{rpc,home,bin,agent.sock}.
# In a VM, PATH has the built qrexec tools (qrexec-client-vm, vm-open-url), HOME is the VM's home
# with xdg defaults that make xdg-open and $BROWSER use vm-open-url, and DISPLAY its Xvfb.
# Set TB_AGENT_CMD (words, before tb_start_vm) to run another program as a VM's agent, e.g. a
# hostile one: it gets "--channel fd:N" like the real agent. TB_POLICY_DAEMON overrides the policy
# daemon binary. TB_KEEP=1 keeps $TB for debugging.

TB_BUILD=${BULKHEAD_BUILD_ROOT:?BULKHEAD_BUILD_ROOT must be set}
TB_SRC=${BULKHEAD_SOURCE_ROOT:?BULKHEAD_SOURCE_ROOT must be set}
TB_QREXEC=$TB_BUILD/qrexec
TB_PAIR=$TB_BUILD/tests/lib/testbed-pair
TB_VMS=""

tb_init() {
	TB=$(mktemp -d "${TMPDIR:-/tmp}/bulkhead-tb.XXXXXX") || return 1
	mkdir -p "$TB/run" "$TB/state" "$TB/policy.d" "$TB/log" "$TB/pids" "$TB/vm"
	chmod 700 "$TB/run"
	export TB BULKHEAD_RUNTIME_DIR="$TB/run" BULKHEAD_STATE_DIR="$TB/state"
	trap tb_teardown EXIT
	trap 'exit 130' INT TERM
	tb_start_bus
}

tb_start_bus() {
	local pid
	pid=$(dbus-daemon --config-file="$BULKHEAD_SOURCE_ROOT/tests/lib/test-bus.conf" --fork \
		--nopidfile --address="unix:path=$TB/bus" \
		--print-pid=1 2>>"$TB/log/dbus.log") || return 1
	echo "$pid" >"$TB/pids/dbus"
	export DBUS_SESSION_BUS_ADDRESS="unix:path=$TB/bus"
}

# tb_vm NAME [--xvfb] [--label COLOUR] [--type AppVM] [--tags "a b"]
tb_vm() {
	local name=$1 dir label=red type=AppVM tags="" xvfb=0
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--xvfb) xvfb=1 ;;
		--label) label=$2; shift ;;
		--type) type=$2; shift ;;
		--tags) tags=$2; shift ;;
		esac
		shift
	done
	dir=$TB/vm/$name
	mkdir -p "$dir/rpc" "$dir/home/.config" "$dir/home/.local/share/applications" "$dir/bin" \
		"$dir/run"
	chmod 700 "$dir/run"
	echo "$label" >"$dir/label"
	echo "$type" >"$dir/type"
	echo "$tags" >"$dir/tags"
	tb_guest_xdg "$dir/home"
	ln -sf "$TB_QREXEC/bulkhead.OpenURL" "$dir/rpc/bulkhead.OpenURL"
	: >"$dir/env"
	TB_VMS="$TB_VMS $name"
	[ "$xvfb" = 1 ] && tb_start_xvfb "$name"
	return 0
}

# The guest's default browser is vm-open-url (qrexec/guest/ holds the files a VM image gets).
tb_guest_xdg() {
	cp "$TB_SRC/qrexec/guest/bulkhead-open-url.desktop" "$1/.local/share/applications/"
	cp "$TB_SRC/qrexec/guest/mimeapps.list" "$1/.config/mimeapps.list"
}

tb_start_xvfb() {
	local name=$1 i
	Xvfb -displayfd 3 -nolisten tcp -screen 0 1024x768x24 3>"$TB/vm/$name/display" \
		2>>"$TB/log/$name-xvfb.log" &
	echo $! >"$TB/pids/xvfb-$name"
	for i in $(seq 100); do
		[ -s "$TB/vm/$name/display" ] && return 0
		sleep 0.05
	done
	echo "tb_start_xvfb: Xvfb for $name did not start" >&2
	return 1
}

tb_display() { [ -s "$TB/vm/$1/display" ] && echo ":$(cat "$TB/vm/$1/display")"; }

# tb_policy NAME TEXT: write policy.d/NAME.policy (the policy daemon reloads on change).
tb_policy() {
	printf '%s\n' "$2" >"$TB/policy.d/$1.policy.tmp"
	mv "$TB/policy.d/$1.policy.tmp" "$TB/policy.d/$1.policy"
}

# tb_service VM SERVICE SCRIPT: an executable service whose body is the sh SCRIPT.
tb_service() {
	# The rpc dir holds links to the built services: replace a link, never write through it
	# (that would overwrite the build tree's program, which real VMs share).
	rm -f "$TB/vm/$1/rpc/$2"
	printf '#!/bin/sh\n%s\n' "$3" >"$TB/vm/$1/rpc/$2"
	chmod +x "$TB/vm/$1/rpc/$2"
}

# tb_socket_service VM SERVICE CMD...: a socket service; CMD serves each connection (via socat).
tb_socket_service() {
	local vm=$1 svc=$2
	shift 2
	socat "UNIX-LISTEN:$TB/vm/$vm/rpc/$svc,fork" "EXEC:$*" 2>>"$TB/log/$vm-$svc.log" &
	echo $! >"$TB/pids/sock-$vm-$svc"
	while [ ! -S "$TB/vm/$vm/rpc/$svc" ]; do sleep 0.02; done
}

tb_write_sysinfo() {
	local name first=1 tags t
	{
		printf '{"domains": {"dom0": {"type": "AdminVM", "tags": [], "default_dispvm": null, '
		printf '"template_for_dispvms": false, "power_state": "Running", "label": "black"}'
		for name in $TB_VMS; do
			tags=""
			for t in $(cat "$TB/vm/$name/tags"); do tags="$tags${tags:+, }\"$t\""; done
			printf ', "%s": {"type": "%s", "tags": [%s], "default_dispvm": null, ' \
				"$name" "$(cat "$TB/vm/$name/type")" "$tags"
			printf '"template_for_dispvms": false, "power_state": "Running", "label": "%s"}' \
				"$(cat "$TB/vm/$name/label")"
		done
		printf '}}\n'
	} >"$TB/system-info.json.tmp"
	mv "$TB/system-info.json.tmp" "$TB/system-info.json"
}

tb_start_policy() {
	tb_write_sysinfo
	rm -f "$TB/run/policy.sock" # a stale one would satisfy tb_wait_socket too early
	"${TB_POLICY_DAEMON:-$TB_QREXEC/qrexec-policy-daemon}" --policy-dir "$TB/policy.d" \
		--system-info "$TB/system-info.json" --audit-log "$TB/state/audit.log" \
		"$@" 2>>"$TB/log/policy.log" &
	echo $! >"$TB/pids/policy"
	tb_wait_socket "$TB/run/policy.sock"
}

tb_wait_socket() {
	local i
	for i in $(seq 200); do
		[ -S "$1" ] && return 0
		sleep 0.02
	done
	echo "tb_wait_socket: $1 did not appear" >&2
	return 1
}

# The environment of a process "inside" VM $1, as env(1) arguments.
tb_vm_env() {
	local d=$TB/vm/$1
	echo "-u BULKHEAD_RUNTIME_DIR -u BULKHEAD_STATE_DIR -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY"
	echo "HOME=$d/home XDG_CONFIG_HOME=$d/home/.config XDG_DATA_HOME=$d/home/.local/share"
	echo "XDG_RUNTIME_DIR=$d/run QREXEC_AGENT_SOCKET=$d/agent.sock"
	echo "PATH=$d/bin:$TB_QREXEC:$PATH BROWSER=vm-open-url"
	[ -s "$d/display" ] && echo "DISPLAY=:$(cat "$d/display")"
	cat "$d/env"
}

# tb_vm_setenv VM VAR=VALUE: an environment variable of everything in VM (its agent and
# services included; set before tb_start_vm). No spaces in VALUE.
tb_vm_setenv() { echo "$2" >>"$TB/vm/$1/env"; }

tb_start_vm() {
	local name=$1 d=$TB/vm/$1 agent
	rm -f "$d/agent.sock" "$TB/run/qrexec/$name.sock"
	agent=${TB_AGENT_CMD:-$TB_QREXEC/qrexec-agent --rpc-dir $d/rpc}
	# Only the VM side runs in the VM's environment; the daemon keeps the host's.
	# shellcheck disable=SC2046,SC2086
	"$TB_PAIR" env $(tb_vm_env "$name") $agent --channel @FD@ --domain "$name" \
		::: "$TB_QREXEC/qrexec-daemon" --domain "$name" --channel @FD@ \
		--runtime-dir "$TB/run" 2>>"$TB/log/$name.log" &
	echo $! >"$TB/pids/vm-$name"
	tb_wait_socket "$TB/run/qrexec/$name.sock"
}

# The exit status of VM $1's daemon once its pair has ended (waits for it).
tb_daemon_status() {
	local pid
	pid=$(cat "$TB/pids/vm-$1") || return 125
	wait "$pid"
}

tb_vm_alive() {
	local pid
	pid=$(cat "$TB/pids/vm-$1" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null && pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain $1 " >/dev/null
}

tb_stop_vm() {
	local pid
	pid=$(cat "$TB/pids/vm-$1" 2>/dev/null) || return 0
	tb_kill_wait "$pid"
	rm -f "$TB/pids/vm-$1"
}

# Run a command inside VM $1.
tb_run() {
	local vm=$1
	shift
	# shellcheck disable=SC2046
	env $(tb_vm_env "$vm") "$@"
}

# Run a host-side command (with the test bed's runtime dir and bus).
tb_host() { "$@"; }

tb_kill_wait() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

tb_start() {
	local name
	tb_start_policy || return 1
	for name in $TB_VMS; do
		tb_start_vm "$name" || return 1
	done
}

tb_teardown() {
	local f
	[ -n "${TB:-}" ] && [ -d "$TB/pids" ] || return 0
	for f in "$TB"/pids/vm-* "$TB"/pids/policy "$TB"/pids/sock-* "$TB"/pids/xvfb-* \
		"$TB"/pids/extra-* "$TB"/pids/dbus; do
		[ -f "$f" ] && tb_kill_wait "$(cat "$f")"
		rm -f "$f"
	done
	if [ "${TB_KEEP:-0}" = 1 ]; then
		echo "# test bed kept in $TB" >&2
	else
		rm -rf "$TB"
	fi
}

# tb_bg NAME CMD...: run a helper in the background, stopped at teardown.
tb_bg() {
	local name=$1
	shift
	"$@" &
	echo $! >"$TB/pids/extra-$name"
}

# tb_host_display: an Xvfb as the host's display (for guid windows or the GTK programs), stopped
# at teardown; exports DISPLAY and the settings that keep GTK to its defaults.
tb_host_display() {
	Xvfb -displayfd 5 -screen 0 1280x800x24 -nolisten tcp -noreset 5>"$TB/display" 2>/dev/null &
	echo $! >"$TB/pids/extra-xvfb"
	for _ in $(seq 100); do [ -s "$TB/display" ] && break; sleep 0.1; done
	export DISPLAY=":$(head -n1 "$TB/display")"
	export GTK_THEME=Adwaita NO_AT_BRIDGE=1 GDK_BACKEND=x11 GSETTINGS_BACKEND=memory
	export LSAN_OPTIONS="suppressions=$BULKHEAD_SOURCE_ROOT/tests/lsan-gui.supp:print_suppressions=0"
}

# tb_wait_bus_name NAME: until NAME is owned on the test bed's bus (20 s); 1 if it never is.
tb_wait_bus_name() {
	for _ in $(seq 200); do
		gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
			--method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true && return 0
		sleep 0.1
	done
	return 1
}

# Processes still mentioning the test bed (for a "nothing left behind" check).
tb_strays() { pgrep -f -- "$TB" || true; }
