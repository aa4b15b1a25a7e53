#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# File copy between two real VMs: `vmctl copy DIR 'work->personal'` on the host asks work's
# agent to run vm-copy-to, which calls bulkhead.Filecopy in personal through both VMs'
# qrexec-daemons and the policy daemon; the tree arrives byte for byte in personal's
# ~/Incoming/work/. Then `vmctl move`, and a copy the policy denies.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
e2e_setup

e2e_policy 'bulkhead.Filecopy  *  work  personal  allow' 'bulkhead.Filecopy  *  work  @anyvm    deny'

"$VMCTL" create work --label blue && "$VMCTL" create personal --label green &&
	"$VMCTL" create mail --label red
ok $? "create work, personal and mail"
"$VMCTL" start work && "$VMCTL" start personal && "$VMCTL" start mail
ok $? "start all three"

sums='find . -type f | LC_ALL=C sort | xargs md5sum'
timeout 120 "$VMCTL" run work -- sh -c 'mkdir -p /tmp/docs/sub /tmp/moving &&
	printf "hello\n" >/tmp/docs/a.txt && head -c 3000000 /dev/urandom >/tmp/docs/sub/b.bin &&
	: >/tmp/docs/empty && ln -s ../a.txt /tmp/docs/sub/link && printf m >/tmp/moving/m.txt'
ok $? "make a tree in work"
want=$(timeout 60 "$VMCTL" run work -- sh -c "cd /tmp/docs && $sums")
like "$want" "[0-9a-f]{32}  \./sub/b\.bin" "  and take its digests there"

timeout 60 "$VMCTL" copy /tmp/docs 'work->personal' 2>"$E2E_DIR/copy.err"
status=$?
is "$status" 0 "vmctl copy /tmp/docs 'work->personal' exits 0"
# A broker that stalls would stall every later step too: stop here, cleanly, within the timeout.
[ "$status" -eq 0 ] || { echo "Bail out! the copy through the broker did not complete"; exit 1; }
like "$(cat "$E2E_DIR/copy.err")" "Copied [0-9]+ items" "  with the one-line summary"
diag "$(tail -1 "$E2E_DIR/copy.err")"
home='h=${HOME:-$(getent passwd $(id -u) | cut -d: -f6)}'
got=$(timeout 60 "$VMCTL" run personal -- sh -c "$home; cd \"\$h/Incoming/work/docs\" && $sums")
is "$got" "$want" "  every file arrived byte for byte in personal's ~/Incoming/work/"
link=$(timeout 60 "$VMCTL" run personal -- sh -c "$home; readlink \$h/Incoming/work/docs/sub/link")
is "$link" "../a.txt" "  with its relative link"

timeout 60 "$VMCTL" move /tmp/moving 'work->personal' 2>"$E2E_DIR/move.err"
is "$?" 0 "vmctl move /tmp/moving 'work->personal' exits 0"
out=$(timeout 60 "$VMCTL" run work -- sh -c 'test -e /tmp/moving && echo kept || echo gone')
is "$out" "gone" "  the source is gone from work"

timeout 60 "$VMCTL" copy /tmp/docs 'work->mail' 2>"$E2E_DIR/deny.err"
ok "$([ $? -ne 0 ]; echo $?)" "a copy the policy denies fails"
out=$(timeout 60 "$VMCTL" run mail -- sh -c "$home; test -e \$h/Incoming && echo written || echo nothing")
is "$out" "nothing" "  and nothing reaches mail"

"$VMCTL" shutdown work --wait && "$VMCTL" shutdown personal --wait && "$VMCTL" shutdown mail --wait
ok $? "shutdown all three"
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
