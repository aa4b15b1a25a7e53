#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bulk data through a call between two real VMs, in both directions and both at once, checked
# by digest. Process VMs use sockets for channels; this is the virtio-serial path (a spliced
# write into the guest's port once stalled every transfer over a few hundred KiB).
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
e2e_setup

e2e_policy 'test.Cat * work personal allow' 'test.Digest * work personal allow' \
	'test.Source * work personal allow'

"$VMCTL" create work >/dev/null && "$VMCTL" create personal >/dev/null
"$VMCTL" start work && "$VMCTL" start personal; ok $? "start work and personal"
timeout 120 "$VMCTL" run -u root personal -- sh -c '
	mkdir -p /etc/bulkhead/rpc && cd /etc/bulkhead/rpc &&
	printf "#!/bin/sh\nexec cat\n" >test.Cat &&
	printf "#!/bin/sh\nexec sha256sum\n" >test.Digest &&
	printf "#!/bin/sh\nhead -c 8000000 /dev/urandom | tee /tmp/sent | sha256sum >/tmp/sent.sum; cat /tmp/sent\n" >test.Source &&
	chmod +x test.*'
ok $? "install the test services in personal"
client=qrexec-client-vm

# Into a service: 8 MB from work, digested in personal, compared with work's own digest.
out=$(timeout 120 "$VMCTL" run work -- sh -c "head -c 8000000 /dev/urandom | tee /tmp/in |
	$client personal test.Digest; sha256sum </tmp/in")
is "$(printf '%s\n' "$out" | awk '{print $1}' | uniq | wc -l)" 1 "8 MB into a service arrive whole (digests match)"

# Out of a service: 8 MB produced in personal, digested in work.
got=$(timeout 120 "$VMCTL" run work -- sh -c "$client personal test.Source </dev/null | sha256sum")
sent=$(timeout 60 "$VMCTL" run personal -- cat /tmp/sent.sum)
is "${got%% *}" "${sent%% *}" "8 MB out of a service arrive whole (digests match)"

# Both directions at once through cat: the flow control must not deadlock.
out=$(timeout 120 "$VMCTL" run work -- sh -c "head -c 4000000 /dev/urandom | tee /tmp/both |
	$client personal test.Cat | sha256sum; sha256sum </tmp/both")
is "$(printf '%s\n' "$out" | awk '{print $1}' | uniq | wc -l)" 1 "4 MB through cat, both ways at once"

"$VMCTL" shutdown work --wait && "$VMCTL" shutdown personal --wait; ok $? "shutdown both"
e2e_stop_bulkheadd
tap_done
