#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: the broker's host daemons run sandboxed (common/sandbox.c), and calls through
# them still work: /proc of the running qrexec-daemons and the policy daemon shows
# no_new_privs, a seccomp filter and no core dumps; the policy daemon still reloads its
# directory and writes its audit log from inside its Landlock domain.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/sandbox.sh"

tb_init
tb_vm work
tb_vm mail
tb_policy 50-test 'test.Echo * work mail allow'
tb_service mail test.Echo 'cat'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

daemon_pid() { pgrep -f -- "^$TB_QREXEC/qrexec-daemon --domain $1 " | head -1; }

is "$(echo hello | tb_run work qrexec-client-vm mail test.Echo)" hello "a call works through the sandboxed daemons"
sandbox_check "$(daemon_pid work)" "qrexec-daemon[work]"
sandbox_check "$(daemon_pid mail)" "qrexec-daemon[mail]"
sandbox_check "$(cat "$TB/pids/policy")" "qrexec-policy-daemon"

tb_policy 50-test 'test.Echo * work mail deny'
sleep 0.5
echo hello | tb_run work qrexec-client-vm mail test.Echo >/dev/null 2>&1
is $? 126 "the sandboxed policy daemon still reads a changed policy"
like "$(tail -n1 "$TB/state/audit.log")" '"decision":"deny"' "... and appends to its audit log"
ok "$(tb_vm_alive work; echo $?)" "the caller's daemon still runs"
ok "$(kill -0 "$(cat "$TB/pids/policy")"; echo $?)" "the policy daemon still runs"
tap_done
