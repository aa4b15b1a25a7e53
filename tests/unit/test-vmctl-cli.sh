#!/bin/bash
# vmctl's command-line contract: --help, --version, and exit 2 with one line on bad usage.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
vmctl=$1

out=$("$vmctl" --version); is "$?" 0 "--version exits 0"
like "$out" '^vmctl \(Bulkhead\) [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

out=$("$vmctl" --help); is "$?" 0 "--help exits 0"
like "$out" 'Usage: vmctl' "--help shows the usage"
like "$out" 'help +Show the commands' "--help lists the commands with a summary"

err=$("$vmctl" frobnicate 2>&1 >/dev/null); is "$?" 2 "unknown command exits 2"
is "$(printf '%s\n' "$err" | wc -l)" 1 "  with one line"
like "$err" "unknown command 'frobnicate'" "  naming the command"

err=$("$vmctl" --frob 2>&1 >/dev/null); is "$?" 2 "unknown option exits 2"
like "$err" "unknown option '--frob'" "  naming the option"

err=$("$vmctl" 2>&1 >/dev/null); is "$?" 2 "no command exits 2"

out=$("$vmctl" help help); is "$?" 0 "help COMMAND exits 0"
like "$out" 'Usage: vmctl help \[COMMAND\]' "  and shows that command's usage"
out=$("$vmctl" help --help); is "$?" 0 "COMMAND --help works for every command"
err=$("$vmctl" help nosuch 2>&1 >/dev/null); is "$?" 2 "help for an unknown command exits 2"

tap_done
