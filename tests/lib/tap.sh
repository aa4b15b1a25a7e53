# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for shell tests, the twin of tests/tap.h. Source it, call ok/is, end with tap_done.
tap_n=0
tap_failed=0

ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
	local status=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $tap_n - $*"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - $*"
	fi
}

is() { # is GOT WANT DESCRIPTION
	local got=$1 want=$2
	shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '#   got:      %s\n#   expected: %s\n' "$got" "$want"
	fi
}

like() { # like GOT EXTENDED-REGEX DESCRIPTION
	local got=$1 re=$2
	shift 2
	if printf '%s' "$got" | grep -Eq -- "$re"; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '#   got:      %s\n#   expected to match: %s\n' "$got" "$re"
	fi
}

diag() { printf '# %s\n' "$*"; }

skip_all() {
	echo "1..0 # SKIP $*"
	exit 77
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
