# SPDX-License-Identifier: GPL-2.0-or-later
# Checks on a running daemon's sandbox, from /proc (source after tap.sh).

# sandbox_check PID NAME: no_new_privs, a seccomp filter, and no core dumps, as TAP lines.
sandbox_check() {
	local pid=$1 name=$2 status
	status=$(cat "/proc/$pid/status" 2>/dev/null)
	like "$status" $'NoNewPrivs:\t1' "$name (pid $pid) runs with no_new_privs"
	like "$status" $'Seccomp:\t2' "$name runs under a seccomp filter"
	like "$status" $'Seccomp_filters:\t[1-9]' "$name has its filter installed"
	like "$(grep '^Max core file size' "/proc/$pid/limits" 2>/dev/null)" \
		'size +0 +0 +bytes' "$name can write no core dump"
}
