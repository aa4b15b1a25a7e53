#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: file copy through the real broker between process VMs. vm-copy-to in "work"
# calls bulkhead.Filecopy in "personal" (qrexec-client-vm, policy, the daemons, the agents);
# vm-move-to deletes only after success; a denied copy sends nothing; vmctl copy on the host
# asks work's agent to do the same through qrexec-client.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
FC=$BULKHEAD_BUILD_ROOT/filecopy
VMCTL=$BULKHEAD_BUILD_ROOT/admin-cli/vmctl

tb_init
tb_vm work
tb_vm personal
tb_vm mail
tb_policy 50-filecopy 'bulkhead.Filecopy  *  work  personal  allow
bulkhead.Filecopy  *  work  mail      deny'
for vm in personal mail; do
	tb_service "$vm" bulkhead.Filecopy "BULKHEAD_FILECOPY_RECEIVE=$FC/filecopy-receive exec sh $FC/bulkhead.Filecopy"
done
tb_vm_setenv work "BULKHEAD_FILECOPY_SEND=$FC/filecopy-send"
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }
# The agent hands its commands an environment without QREXEC_* (so without the test bed's
# QREXEC_AGENT_SOCKET): give work's agent socket its default name too, as in a real VM, so that
# vmctl copy's command (vm-copy-to, run by the agent) can call out again.
mkdir -p "$TB/vm/work/run/bulkhead"
ln -sf "$TB/vm/work/agent.sock" "$TB/vm/work/run/bulkhead/qrexec-agent.sock"

W=$TB/vm/work/home
P=$TB/vm/personal/home
mkdir -p "$W/docs/sub"
printf 'report\n' >"$W/docs/report.txt"
head -c 3000000 /dev/urandom >"$W/docs/sub/data.bin"
ln -s ../report.txt "$W/docs/sub/link"
printf '日本\n' >"$W/docs/日本語.txt"

tb_run work "$FC/vm-copy-to" personal "$W/docs" 2>"$TB/err"
is "$?" 0 "vm-copy-to personal DIR through the broker exits 0"
diff -r "$W/docs" "$P/Incoming/work/docs" >/dev/null
is "$?" 0 "  the tree arrives in personal's ~/Incoming/work/ (source name from the broker)"
is "$(readlink "$P/Incoming/work/docs/sub/link")" "../report.txt" "  with its relative link"

tb_run work "$FC/vm-copy-to" personal "$W/docs" 2>"$TB/err"
is "$?" 0 "the same copy again"
ok "$([ -f "$P/Incoming/work/docs (1)/report.txt" ]; echo $?)" "  lands beside the first as 'docs (1)'"
like "$(cat "$TB/err")" "kept beside them" "  and the sender is told"

cp -r "$W/docs" "$W/moving"
tb_run work "$FC/vm-move-to" personal "$W/moving" 2>"$TB/err"
is "$?" 0 "vm-move-to personal DIR exits 0"
ok "$([ ! -e "$W/moving" ] && [ -f "$P/Incoming/work/moving/sub/data.bin" ]; echo $?)" \
	"  the source is gone, the copy is there"

cp -r "$W/docs" "$W/denied"
tb_run work "$FC/vm-move-to" mail "$W/denied" 2>"$TB/err"
ok "$([ "$?" -ne 0 ]; echo $?)" "a copy the policy denies fails"
ok "$([ ! -e "$TB/vm/mail/home/Incoming" ]; echo $?)" "  nothing reaches mail"
ok "$([ -f "$W/denied/sub/data.bin" ]; echo $?)" "  and a denied move keeps its sources"
diag "denied: $(tr '\n' ' ' <"$TB/err")"

BULKHEAD_GUEST_BINDIR=$FC tb_host "$VMCTL" copy "$W/docs/report.txt" 'work->personal' 2>"$TB/err"
is "$?" 0 "vmctl copy FILE 'work->personal' on the host exits 0"
ok "$([ -f "$P/Incoming/work/report.txt" ]; echo $?)" "  the file arrives in personal"
like "$(cat "$TB/err")" "Copied 1 item" "  with the summary"
BULKHEAD_GUEST_BINDIR=$FC tb_host "$VMCTL" copy --from work --to mail "$W/docs/report.txt" 2>"$TB/err"
ok "$([ "$?" -ne 0 ]; echo $?)" "vmctl copy to a VM the policy denies fails"
ok "$([ ! -e "$TB/vm/mail/home/Incoming" ]; echo $?)" "  and sends nothing"
tap_done
