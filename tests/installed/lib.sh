# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the `installed` suite. Sourced after ../lib/tap.sh. Everything runs the way a user
# of the package runs it: the programs from /usr, no BULKHEAD_* variable at all (each program's
# defaults must find the others), HOME and XDG_RUNTIME_DIR in a scratch dir.
set -u

INST_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIBEXEC=/usr/libexec/bulkhead
GUEST=/usr/lib/bulkhead/guest
UNITS=/usr/lib/systemd/user

# Whatever the caller exported (meson, quickstart, a developer's shell) does not reach the test.
for v in $(compgen -e); do
	case $v in BULKHEAD_*) unset "$v" ;; esac
done

# The package must be there. In CI it was just installed, so its absence is a failure; on a
# developer's machine without it the suite has nothing to test.
inst_require_package() {
	if dpkg-query -W -f='${Status}\n' bulkhead 2>/dev/null | grep -q '^install ok installed$'; then
		return 0
	fi
	if [ "${CI:-}" = true ]; then
		echo "Bail out! the bulkhead package is not installed (./quickstart install)"
		exit 1
	fi
	skip_all "the bulkhead package is not installed (./quickstart package && ./quickstart install)"
}

# A fresh user: its own HOME and runtime dir; XDG_CONFIG_HOME, XDG_STATE_HOME and the rest
# unset, so the defaults (~/.config, ~/.local/state) are what is tested.
inst_user_env() {
	INST_DIR=$(mktemp -d /tmp/bh-inst.XXXXXX)
	export HOME=$INST_DIR/home XDG_RUNTIME_DIR=$INST_DIR/run
	unset XDG_CONFIG_HOME XDG_STATE_HOME XDG_DATA_HOME XDG_CACHE_HOME DISPLAY
	unset DBUS_SESSION_BUS_ADDRESS
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	cd "$HOME"
}

# A unit's ExecStart= command line, as systemd would run it (no specifiers are used in ours).
unit_exec_start() {
	sed -n 's/^ExecStart=//p' "$UNITS/$1"
}
