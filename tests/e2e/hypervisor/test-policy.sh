#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A service call from one real VM to another, through both VMs' qrexec-daemons and the policy
# daemon (which reads the VM list from bulkheadd's GetSystemInfo): one allowed, one denied.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
e2e_setup

e2e_policy 'test.Echo    *  work  personal  allow' 'test.Secret  *  work  personal  deny'

"$VMCTL" create work --label blue && "$VMCTL" create personal --label green
ok $? "create work and personal"
"$VMCTL" start work && "$VMCTL" start personal; ok $? "start both"

# The services live in personal's generated /etc (a tmpfs): put them there for this boot.
timeout 120 "$VMCTL" run -u root personal -- sh -c '
	mkdir -p /etc/bulkhead/rpc && cd /etc/bulkhead/rpc &&
	printf "#!/bin/sh\necho \"echo from \$(hostname) to \$QREXEC_REMOTE_DOMAIN: \$(cat)\"\n" >test.Echo &&
	printf "#!/bin/sh\ntouch /tmp/secret-ran\n" >test.Secret && chmod +x test.Echo test.Secret'
ok $? "install test services in personal"
client=qrexec-client-vm

out=$(timeout 120 "$VMCTL" run work -- sh -c "echo hi | $client personal test.Echo")
ok $? "work -> personal test.Echo, allowed by policy"
is "$out" "echo from personal to work: hi" "  runs in personal and the answer comes back"

timeout 60 "$VMCTL" run work -- "$client" personal test.Secret </dev/null
is "$?" 126 "work -> personal test.Secret, denied by policy, exits 126"
out=$(timeout 60 "$VMCTL" run personal -- sh -c 'test -e /tmp/secret-ran && echo ran || echo never')
is "$out" "never" "  and the denied service never ran"
like "$(cat "$E2E_DIR/audit.log")" 'test.Secret.*deny|deny.*test.Secret' "the audit log records the denial"

"$VMCTL" shutdown work --wait && "$VMCTL" shutdown personal --wait; ok $? "shutdown both"
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
