#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Each daemon's sandbox profile refuses what it must: the probe applies the very table the
# daemon applies (sandbox_profile_find + sandbox_apply) and tries one forbidden thing per run.
# "Refused" is an errno (EPERM from seccomp, EACCES from Landlock) or death by SIGSYS (159);
# the controls (a Unix socket, a file in the allowed directory) must still work, so a probe
# that refused everything would fail here too.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
probe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/allowed"
echo secret >"$tmp/outside"

run() { # run PROFILE ACTION [PATH]: the probe's verdict, "killed" on SIGSYS
	local out rc
	out=$("$probe" "$1" "$tmp/allowed" "$2" ${3:+"$3"} 2>&1)
	rc=$?
	if [ $rc -eq 159 ]; then echo killed; else echo "$out"; fi
}

refused() { # refused PROFILE ACTION [PATH]
	like "$(run "$@")" '^(killed|refused: E(PERM|ACCES))$' "$1: $2 ${3:+$3 }is refused"
}

# Files are Landlock's: on a kernel without it only seccomp's part can be checked.
landlock=$(run guid status | sed -n 's/^Landlock: //p')
files_refused() {
	if [ "${landlock:-0}" -gt 0 ]; then refused "$@"; else ok 0 "# SKIP no Landlock: $*"; fi
}

for profile in qrexec-daemon qrexec-policy-daemon guid filecopy-receive net-filter; do
	status=$(run "$profile" status)
	like "$status" 'NoNewPrivs:[[:space:]]+1' "$profile: no_new_privs is set"
	like "$status" 'Seccomp:[[:space:]]+2' "$profile: a seccomp filter is in force"
	refused "$profile" execve
	refused "$profile" fork
	refused "$profile" socket-inet
	refused "$profile" mmap-exec
	files_refused "$profile" open "$tmp/outside"
	[ "$profile" = filecopy-receive ] || [ "$profile" = net-filter ] ||
		is "$(run "$profile" socket-unix)" allowed "$profile: a Unix socket is still allowed"
done

# The receiver needs no socket at all; the file controls for those that open files.
refused filecopy-receive socket-unix
refused net-filter socket-unix
for profile in qrexec-policy-daemon guid filecopy-receive; do
	is "$(run "$profile" create "$tmp/allowed/new-$profile")" allowed \
		"$profile: a file in its allowed directory can be created"
	files_refused "$profile" create "$tmp/new-$profile-outside"
done
is "$(ls "$tmp")" "$(printf 'allowed\noutside')" "nothing was created outside the allowed directory"

# The kill/EPERM choice is part of the contract (common/sandbox-profiles.c says why).
is "$(run qrexec-daemon execve)" killed "qrexec-daemon: a forbidden call kills it"
is "$(run guid execve)" killed "guid: a forbidden call kills it"
is "$(run filecopy-receive execve)" killed "filecopy-receive: a forbidden call kills it"
is "$(run net-filter execve)" killed "net-filter: a forbidden call kills it"
is "$(run qrexec-policy-daemon execve)" "refused: EPERM" "qrexec-policy-daemon: a forbidden call fails with EPERM"
tap_done
