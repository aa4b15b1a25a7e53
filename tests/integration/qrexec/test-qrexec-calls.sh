#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: calls between process VMs through agents, daemons and the policy daemon:
# allow, deny (126, service never started), not found (127), exit codes, stdin EOF, stderr,
# @default with target=, Service+Arg lookup, host qrexec-client, policy reload, fail-closed
# policy, the audit log and `vmctl log`.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
VMCTL=$BULKHEAD_BUILD_ROOT/admin-cli/vmctl

tb_init
tb_vm work
tb_vm mail
tb_policy 50-test '
test.Echo      *  work  mail      allow
test.Env       *  work  mail      allow
test.Exit      *  work  mail      allow
test.Err       *  work  mail      allow
test.Count     *  work  mail      allow
test.Deny      *  work  mail      deny
test.Missing   *  work  mail      allow
test.Redirect  *  work  @default  allow target=mail
test.Sock      *  work  mail      allow
test.Tagged    *  work  @tag:ok   allow'
tb_service mail test.Echo 'cat'
tb_service mail test.Env 'echo "$QREXEC_REMOTE_DOMAIN|$QREXEC_SERVICE_ARGUMENT|$QREXEC_REQUESTED_TARGET|$1"'
tb_service mail test.Env+special 'echo "specific $1"'
tb_service mail test.Exit 'exit "$1"'
tb_service mail test.Err 'echo "to stderr" >&2; echo "to stdout"'
tb_service mail test.Count 'cat >/dev/null; echo "eof seen"'
tb_service mail test.Deny "touch '$TB/deny-started'"
tb_service mail test.Tagged 'echo tagged'
tb_service mail test.Redirect 'echo "in mail, asked for $QREXEC_REQUESTED_TARGET"'
tb_socket_service mail test.Sock cat
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

out=$(printf 'over a socket' | tb_run work qrexec-client-vm mail test.Sock+a1 | tr '\0' '|')
is "$out" "test.Sock+a1 work|over a socket" "a socket service gets the header, then the data, and its answer comes back"
out=$(head -c 5000000 /dev/zero | tb_run work qrexec-client-vm mail test.Sock | wc -c)
is "$out" $((5000000 + 15)) "5 MB through a socket service"

out=$(echo hello | tb_run work qrexec-client-vm mail test.Echo)
ok $? "an allowed call succeeds"
is "$out" "hello" "stdin reaches the service and its stdout comes back"

out=$(tb_run work qrexec-client-vm mail test.Env+arg1 </dev/null)
is "$out" "work|arg1|mail|arg1" "service env: source, argument, requested target; argument as \$1"
out=$(tb_run work qrexec-client-vm mail test.Env+special </dev/null)
is "$out" "specific special" "Service+Arg is found before Service"

tb_run work qrexec-client-vm mail test.Exit+7 </dev/null
is $? 7 "the service's exit code comes back"
tb_run work qrexec-client-vm mail test.Exit+0 </dev/null
is $? 0 "exit code 0"

err=$(tb_run work qrexec-client-vm mail test.Err </dev/null 2>&1 >/dev/null)
is "$err" "to stderr" "the service's stderr reaches the caller's stderr"

out=$(tb_run work qrexec-client-vm mail test.Count </dev/null)
is "$out" "eof seen" "an empty stdin reaches the service as EOF"
out=$(head -c 3000000 /dev/zero | tb_run work qrexec-client-vm mail test.Echo | wc -c)
is "$out" 3000000 "3 MB through cat, no byte lost, EOF ends it"

err=$(tb_run work qrexec-client-vm mail test.Deny </dev/null 2>&1)
is $? 126 "a denied call exits 126"
like "$err" "Request refused" "a denied call says so"
sleep 0.2
ok "$([ ! -e "$TB/deny-started" ]; echo $?)" "a denied service never starts"

tb_run work qrexec-client-vm mail test.Missing </dev/null 2>/dev/null
is $? 127 "an allowed call to a missing service exits 127"
tb_run work qrexec-client-vm mail test.Unlisted </dev/null 2>/dev/null
is $? 126 "no matching rule: denied"
tb_run work qrexec-client-vm mail 'bad/name' </dev/null 2>/dev/null
is $? 126 "an invalid service name is refused"
tb_run work qrexec-client-vm nosuchvm test.Echo </dev/null 2>/dev/null
is $? 126 "an unknown target is refused"

out=$(tb_run work qrexec-client-vm @default test.Redirect </dev/null)
is "$out" "in mail, asked for @default" "@default with target= runs in the policy's target"

# System info is re-read when its file changes: a tag given to mail takes effect.
tb_run work qrexec-client-vm mail test.Tagged </dev/null >/dev/null 2>&1
is $? 126 "@tag:ok does not match an untagged VM"
echo ok >"$TB/vm/mail/tags"
tb_write_sysinfo
out=$(tb_run work qrexec-client-vm mail test.Tagged </dev/null)
is "$out" "tagged" "a changed system-info file is read again (mail now tagged ok)"

out=$(echo via-host | qrexec-client -d mail test.Echo 2>&1)
is "$out" "via-host" "qrexec-client runs a service in a VM from the host"
out=$(qrexec-client -d mail --command sh -c 'echo "cmd from $QREXEC_REMOTE_DOMAIN"' </dev/null)
is "$out" "cmd from dom0" "qrexec-client --command runs a command"
qrexec-client -d nosuchvm test.Echo </dev/null 2>/dev/null
is $? 125 "qrexec-client to a VM that is not running exits 125"

# Local program: its stdin/stdout are the call's.
out=$(tb_run work qrexec-client-vm mail test.Echo sh -c 'echo "from the local program"; exec >&-; cat >&2' 2>&1 </dev/null)
is "$out" "from the local program" "LOCAL-PROGRAM's stdout goes to the service and back to its stdin"

# Policy reload on change, and fail-closed on a broken policy.
tb_policy 50-test 'test.Echo * work mail deny'
sleep 0.5
echo x | tb_run work qrexec-client-vm mail test.Echo >/dev/null 2>&1
is $? 126 "a policy change is picked up (now denied)"
tb_policy 50-test 'test.Echo * work mail allow
this line is not policy'
sleep 0.5
echo x | tb_run work qrexec-client-vm mail test.Echo >/dev/null 2>&1
is $? 126 "a policy with an error denies everything"
like "$(cat "$TB/log/policy.log")" "50-test.policy:2" "the error is logged with file:line"
tb_policy 50-test 'test.Echo * work mail allow'
sleep 0.5
out=$(echo back | tb_run work qrexec-client-vm mail test.Echo)
is "$out" "back" "fixing the policy restores service"

# Without a policy daemon, every call is refused.
tb_kill_wait "$(cat "$TB/pids/policy")"
echo x | tb_run work qrexec-client-vm mail test.Echo >/dev/null 2>&1
is $? 126 "no policy daemon: denied"
tb_start_policy
out=$(echo again | tb_run work qrexec-client-vm mail test.Echo)
is "$out" "again" "a restarted policy daemon is used again"

# Without --system-info the policy daemon asks bulkheadd; with no bulkheadd on the bus: deny.
tb_kill_wait "$(cat "$TB/pids/policy")"
rm -f "$TB/run/policy.sock"
"$TB_QREXEC/qrexec-policy-daemon" --policy-dir "$TB/policy.d" --audit-log "$TB/state/audit.log" \
	2>>"$TB/log/policy.log" &
echo $! >"$TB/pids/policy"
tb_wait_socket "$TB/run/policy.sock"
echo x | tb_run work qrexec-client-vm mail test.Echo >/dev/null 2>&1
is $? 126 "no system info (no bulkheadd): denied"
like "$(cat "$TB/log/policy.log")" "No system info from bulkheadd" "... and logged"
tb_kill_wait "$(cat "$TB/pids/policy")"
rm -f "$TB/run/policy.sock"
tb_start_policy

# The audit log: one JSON line per decision; vmctl log prints it.
log=$(cat "$TB/state/audit.log")
like "$log" '"source":"work","target":"mail","resolved_target":"mail","service":"test.Echo"' "audit: an allow"
like "$log" '"service":"test.Deny","argument":"","decision":"deny","rule":"[^"]*50-test.policy:7"' "audit: a deny with its rule"
out=$("$VMCTL" log --file "$TB/state/audit.log")
like "$out" "deny +work -> mail +test.Deny +rule [^ ]*50-test.policy:7 +\[policy\]" "vmctl log shows a denial"
out=$("$VMCTL" log --json | head -1)
like "$out" '^\{"time":' "vmctl log --json passes the JSON lines through (default path)"

# A VM calling itself: the rule allows it, the broker refuses it (as Qubes: no loopback).
tb_service work test.Self "touch '$TB/self-started'"
tb_policy 60-self 'test.Self * work @anyvm allow'
sleep 0.3
tb_run work qrexec-client-vm work test.Self </dev/null >/dev/null 2>&1
is $? 126 "a loopback call is refused (126)"
ok "$([ ! -e "$TB/self-started" ]; echo $?)" "... and its service never started"
like "$(grep test.Self "$TB/state/audit.log")" '"decision":"deny".*"reason":"loopback call not supported"' \
	"... the audit log says why"

ok "$(tb_vm_alive work; echo $?)" "work's daemon is still running"
ok "$(tb_vm_alive mail; echo $?)" "mail's daemon is still running"
tb_teardown
strays=$(tb_strays)
is "$strays" "" "teardown leaves no process behind"
tap_done
