#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Disposable VMs on real VMs: `vmctl run --dispvm` in a disposable that starts from its
# template's private volume and leaves nothing (domain, volume, runtime files) when the command
# ends; a VM's call to "@dispvm:dvm" through the broker, after which a third VM cannot reach
# the gone disposable by name; the preloaded pool (paused, taken by a resume, refilled); QEMU
# killed under a running call is reported and cleaned up.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/e2e/hypervisor/lib.sh"
e2e_skip_unless_possible
[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
e2e_setup
e2e_policy 'test.Hostname      *  work    @dispvm:dvm  allow' \
	'test.Hostname      *  @anyvm  @anyvm       deny' \
	'bulkhead.OpenInVM  *  work    @dispvm      allow' \
	'bulkhead.OpenInVM  *  work    @default     allow target=@dispvm:dvm'

disposables() { # the disposables libvirt knows, running or not
	"$VMCTL" list | awk '$3 == "DispVM" { print $1 }'
}
leftovers() { # anything of a disposable left on disk: state dirs, runtime dirs, sockets
	ls -d "$BULKHEAD_STATE_DIR"/vms/disp* "$BULKHEAD_RUNTIME_DIR"/vms/disp* \
		"$BULKHEAD_RUNTIME_DIR"/qrexec/disp* 2>/dev/null
}
wait_gone() { # wait_gone: until no disposable is left (30 s)
	for _ in $(seq 1 150); do
		[ -z "$(disposables)$(leftovers)" ] && return 0
		sleep 0.2
	done
	return 1
}

"$VMCTL" create dvm --label purple && "$VMCTL" create work --label blue; ok $? "create dvm and work"
"$VMCTL" prefs dvm preload_dispvm_max 0 && "$VMCTL" prefs dvm template_for_dispvms true
ok $? "dvm is a disposable template (no pool yet)"

# What the template's volume holds, its disposables start with: a service, a note, and a
# "viewer" for text files that succeeds only on the file work will send.
timeout 120 "$VMCTL" run dvm -- sh -c 'mkdir -p ~/.config/bulkhead/rpc ~/bin ~/.local/share/applications &&
	printf "#!/bin/sh\nhostname\n" >~/.config/bulkhead/rpc/test.Hostname &&
	chmod +x ~/.config/bulkhead/rpc/test.Hostname && echo from-dvm >~/note &&
	printf "#!/bin/sh\ngrep -q MAGIC-42 \"\$1\"\n" >~/bin/check-viewer && chmod +x ~/bin/check-viewer &&
	printf "[Desktop Entry]\nType=Application\nName=Check\nExec=/home/user/bin/check-viewer %%f\nMimeType=text/plain;\n" \
		>~/.local/share/applications/check-viewer.desktop &&
	printf "[Default Applications]\ntext/plain=check-viewer.desktop\n" >~/.config/mimeapps.list'
ok $? "put a service, a note and a text viewer in dvm's home"
"$VMCTL" shutdown dvm --wait; ok $? "shut dvm down"

out=$(timeout 180 "$VMCTL" run --dispvm=dvm -- sh -c 'hostname; cat ~/note /run/bulkhead/disposable; echo scratch >~/note' 2>"$E2E_DIR/run.err")
is "$?" 0 "vmctl run --dispvm=dvm runs the command"
name=$(printf '%s\n' "$out" | head -n1)
like "$name" '^disp[0-9]+$' "  in a disposable named disp<N> ($name)"
is "$(printf '%s\n' "$out" | tail -n +2)" "from-dvm
1" "  that starts from dvm's private volume and knows it is disposable"
wait_gone; ok $? "  and is gone when the command ends: no domain, volume or runtime file"
out=$(timeout 180 "$VMCTL" run --dispvm -- sh -c 'cat ~/note' 2>/dev/null)
is "$out" "from-dvm" "the next disposable (the only template, by default) sees none of the last one's changes"
wait_gone

# Through the broker: work asks for @dispvm:dvm.
"$VMCTL" start work; ok $? "start work"
out=$(timeout 180 "$VMCTL" run work -- qrexec-client-vm @dispvm:dvm test.Hostname </dev/null)
is "$?" 0 "work calls test.Hostname in @dispvm:dvm"
like "$out" '^disp[0-9]+$' "  it ran in a disposable ($out)"
like "$(cat "$E2E_DIR/audit.log")" 'test.Hostname' "  the policy's decision is in the audit log"
wait_gone; ok $? "  which is gone after the call"
timeout 60 "$VMCTL" run work -- qrexec-client-vm "$out" test.Hostname </dev/null >/dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the gone disposable cannot be called by name"
is "$(disposables)" "" "  and the attempt started nothing"

# Files opened in a disposable: directly, and by xdg-open routed there by the policy.
"$VMCTL" prefs work default_dispvm dvm; ok $? "work's default disposable template is dvm"
timeout 180 "$VMCTL" run work -- sh -c 'printf "MAGIC-42\n" >~/good.txt && vm-open-in-dvm ~/good.txt' </dev/null
is "$?" 0 "vm-open-in-dvm: the disposable's viewer opened the very file work sent"
wait_gone; ok $? "  and the disposable is gone after the viewer"
timeout 180 "$VMCTL" run work -- sh -c 'echo other >~/bad.txt && vm-open-in-dvm ~/bad.txt' </dev/null
is "$?" 1 "  a file the viewer rejects: its status comes back"
wait_gone
timeout 180 "$VMCTL" run work -- sh -c 'mkdir -p ~/.config &&
	printf "[Default Applications]\ntext/plain=bulkhead-open-in-vm.desktop\n" >~/.config/mimeapps.list &&
	xdg-open ~/good.txt' </dev/null
is "$?" 0 "xdg-open of a text file in work, routed to a disposable by bulkhead.OpenInVM's policy"
is "$(grep -c 'OpenInVM' "$E2E_DIR/audit.log")" 3 "  three OpenInVM decisions in the audit log"
is "$(grep -c 'Started disposable' "$E2E_DIR/bulkheadd.log")" 6 "  each in a disposable of its own"
wait_gone; ok $? "  all gone"

# A named disposable: defined like any VM, but every start begins from dvm's volume.
"$VMCTL" create nd --class DispVM --template dvm --label red; ok $? "create a named disposable nd"
out=$(timeout 180 "$VMCTL" run nd -- sh -c 'cat ~/note; echo changed >~/note')
is "$out" "from-dvm" "  it starts from dvm's volume"
"$VMCTL" shutdown nd --wait && "$VMCTL" start nd; ok $? "  restart it"
is "$(timeout 120 "$VMCTL" run nd -- sh -c 'cat ~/note')" "from-dvm" "  and what it changed is forgotten"
"$VMCTL" shutdown nd --wait && "$VMCTL" remove nd; ok $? "  shut down and removed"

# The pool.
"$VMCTL" prefs dvm preload_dispvm_max 1; ok $? "preload_dispvm_max 1"
for _ in $(seq 1 300); do
	grep -q "is ready (paused)" "$E2E_DIR/bulkheadd.log" && break
	sleep 0.5
done
grep -q "is ready (paused)" "$E2E_DIR/bulkheadd.log"; ok $? "a preloaded disposable boots and waits, paused"
pre=$(disposables)
out=$(timeout 60 "$VMCTL" run --dispvm=dvm -- hostname 2>/dev/null)
is "$out" "$pre" "a request takes the preloaded one"
grep -q "Took preloaded disposable $pre" "$E2E_DIR/bulkheadd.log"; ok $? "  by resuming it"
for _ in $(seq 1 100); do
	[ -n "$(disposables | grep -vx "$pre")" ] && break
	sleep 0.2
done
ok "$([ -n "$(disposables | grep -vx "$pre")" ]; echo $?)" "  and a new one is preloaded in its place"
# Taken while it still boots: closer to ready than a cold one.
next=$(disposables | grep -vx "$pre" | head -n1)
out=$(timeout 120 "$VMCTL" run --dispvm=dvm -- hostname 2>/dev/null)
is "$out" "$next" "a request while the pool's disposable boots takes that one"
grep -q "Took preloaded disposable $next" "$E2E_DIR/bulkheadd.log"; ok $? "  (bulkheadd says so)"
"$VMCTL" prefs dvm preload_dispvm_max 0
for _ in $(seq 1 150); do [ -z "$(disposables)" ] && break; sleep 0.2; done
is "$(disposables)" "" "preload_dispvm_max 0 empties the pool"

# QEMU killed under a running call.
timeout 180 "$VMCTL" run --dispvm=dvm -- sleep 120 >/dev/null 2>"$E2E_DIR/kill.err" &
RUN_PID=$!
for _ in $(seq 1 300); do
	victim=$(disposables)
	[ -n "$victim" ] && timeout 5 "$VMCTL" run "$victim" -- pgrep -x sleep >/dev/null 2>&1 && break
	sleep 0.5
done
qemu=$(pgrep -f "qemu-system-x86_64.*guest=$victim,")
[ -n "$qemu" ] && kill -9 $qemu
wait "$RUN_PID"
ok "$([ $? -ne 0 ]; echo $?)" "a disposable whose QEMU is killed mid-call: the command fails"
wait_gone; ok $? "  and nothing of it is left"

"$VMCTL" shutdown work --wait; ok $? "shut work down"
is "$(e2e_qemu_pids | wc -l)" 0 "no QEMU process left"
e2e_stop_bulkheadd
tap_done
