#!/bin/bash
# vmctl backup's command line: usage errors exit 2 naming what was wrong, before any
# passphrase is asked for or any file touched.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
vmctl=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

usage() { # usage DESCRIPTION REGEX ARGS...: exits 2 with that message, DEST left alone
	local what=$1 re=$2 err
	shift 2
	err=$("$vmctl" backup "$@" 2>&1 </dev/null)
	is "$?" 2 "$what exits 2"
	like "$err" "$re" "  saying: $re"
}

usage "no action" "missing action"
usage "an unknown action" "unknown action 'frobnicate'" frobnicate "$dir/d"
usage "no DEST" "missing DEST" create
usage "an unknown option" "unknown option '--force'" create --force "$dir/d"
usage "--reread for restore" "--reread does not apply to 'restore'" restore --reread "$dir/d"
usage "--rename-prefix for create" "--rename-prefix does not apply to 'create'" create --rename-prefix x "$dir/d"
usage "a bad --kdf-memory" "invalid value '12Q' for --kdf-memory" create --kdf-memory 12Q "$dir/d"
usage "a bad --kdf-ops" "invalid value 'three' for --kdf-ops" create --kdf-ops three "$dir/d"
usage "--vm without a value" "--vm needs a value" create "$dir/d" --vm
usage "a second DEST for list" "unexpected argument 'x'" list "$dir/d" x
usage "ID 0" "unexpected argument '0'" restore "$dir/d" 0
usage "a VM DEST without a path" "'vm:backupvm' is not a VM destination: write vm:VM:/absolute/path" list vm:backupvm
usage "a VM DEST with a relative path" "is not a VM destination" list vm:backupvm:b
usage "a VM DEST with a bad VM name" "is not a VM destination" list vm:-x:/b
err=$("$vmctl" backup list --passphrase-file /dev/null vm:backupvm:/b 2>&1 </dev/null); is $? 1 "a VM DEST whose VM is not running fails"
like "$err" "VM 'backupvm' is not running \(start it with 'vmctl start backupvm'\)" "  saying so"
[ ! -e "$dir/d" ]; ok $? "no usage error created DEST"

echo pass >"$dir/pass"
err=$("$vmctl" backup list --passphrase-file "$dir/pass" "$dir/nothing" 2>&1); is "$?" 1 "list of a missing repository fails"
like "$err" "Cannot open $dir/nothing" "  naming it"
mkdir "$dir/notempty" && touch "$dir/notempty/photo.jpg"
err=$("$vmctl" backup list --passphrase-file "$dir/pass" "$dir/notempty" 2>&1); is "$?" 1 "list of a directory without a repository fails"
like "$err" "holds no backup repository" "  saying so"
: >"$dir/empty"
err=$("$vmctl" backup list --passphrase-file "$dir/empty" "$dir/notempty" 2>&1); is "$?" 1 "an empty passphrase is refused"
like "$err" "empty passphrase" "  saying so"
tap_done
