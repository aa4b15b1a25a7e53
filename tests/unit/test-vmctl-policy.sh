#!/bin/bash
# `vmctl policy check` and `vmctl policy eval` as a user runs them: output, exit codes, --json.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
vmctl=$1
golden=$BULKHEAD_SOURCE_ROOT/tests/unit/policy-golden
ok_dir=$golden/ok-basic/policy.d
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# tap.sh's like() shows only the first line of what it got: show all of a multi-line output.
like() {
	local got=$1 re=$2
	shift 2
	if printf '%s' "$got" | grep -Eq -- "$re"; then
		ok 0 "$*"
	else
		ok 1 "$*"
		printf '%s\n' "$got" | sed 's/^/#   got: /'
		printf '#   expected to match: %s\n' "$re"
	fi
}

# The VMs ok-basic's rules name.
info=$scratch/sysinfo.json
cat >"$info" <<'JSON'
{"domains": {
  "dom0": {"type": "AdminVM", "tags": [], "default_dispvm": "default-dvm", "power_state": "Running"},
  "work": {"type": "AppVM", "tags": ["office"], "default_dispvm": "default-dvm"},
  "personal": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm"},
  "mail": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm", "power_state": "Running"},
  "browser": {"type": "AppVM", "tags": [], "default_dispvm": "default-dvm"},
  "vault": {"type": "AppVM", "tags": [], "default_dispvm": null},
  "default-dvm": {"type": "AppVM", "tags": [], "template_for_dispvms": true}
}}
JSON

# check
out=$("$vmctl" policy check --policy-dir "$ok_dir"); is "$?" 0 "check of a good policy exits 0"
is "$out" "policy OK (6 rules in 2 files)" "  and says how many rules in how many files"
out=$("$vmctl" policy check --policy-dir="$ok_dir" --policy-dir "$golden/ok-merge/a.d")
is "$out" "policy OK (8 rules in 4 files)" "check merges several --policy-dir"

mkdir "$scratch/bad.d"
printf 'svc * work personal allow\nsvc * work\n' >"$scratch/bad.d/30-user.policy"
printf 'svc * @tag: personal allow\n' >"$scratch/bad.d/50-x.policy"
err=$("$vmctl" policy check --policy-dir "$scratch/bad.d" 2>&1 >/dev/null)
is "$?" 1 "check of a bad policy exits 1"
is "$(printf '%s\n' "$err" | wc -l)" 2 "  listing every error"
like "$err" "^$scratch/bad.d/30-user.policy:2: A rule needs" "  as FILE:LINE: message"
like "$err" "50-x.policy:1: Invalid source '@tag:'" "  in every file"
out=$("$vmctl" policy check --policy-dir "$scratch/bad.d" 2>/dev/null)
is "$out" "" "  and says nothing OK on stdout"
"$vmctl" policy check --policy-dir "$golden/bad-include-loop/policy.d" >/dev/null 2>&1
is "$?" 1 "an include loop fails the check"

err=$("$vmctl" policy check --frob 2>&1 >/dev/null); is "$?" 2 "check: unknown option exits 2"
like "$err" "unknown option '--frob'" "  naming it"
"$vmctl" policy check --json >/dev/null 2>&1; is "$?" 2 "check: eval's --json is a usage error"
"$vmctl" policy check extra >/dev/null 2>&1; is "$?" 2 "check: an argument is a usage error"
err=$("$vmctl" policy check --policy-dir /nonexistent 2>&1 >/dev/null)
is "$?" 2 "check: a --policy-dir that is not a directory exits 2"
"$vmctl" policy >/dev/null 2>&1; is "$?" 2 "policy without a subcommand exits 2"
"$vmctl" policy frob >/dev/null 2>&1; is "$?" 2 "policy with an unknown subcommand exits 2"
out=$("$vmctl" policy --help); is "$?" 0 "policy --help exits 0"
like "$out" "Usage: vmctl policy check" "  and shows the usage"
out=$("$vmctl" --help); like "$out" "policy +Check the policy" "vmctl --help lists policy"

# eval, human-readable
ev() { "$vmctl" policy eval --policy-dir "$ok_dir" --system-info "$info" "$@"; }
out=$(ev bulkhead.OpenURL mail work); is "$?" 0 "eval of an allow exits 0"
like "$out" "^result: allow" "  result: allow"
like "$out" "target: browser" "  redirected by target="
like "$out" "rule: $ok_dir/30-user.policy:2: bulkhead.OpenURL" "  names the rule FILE:LINE: text"
like "$out" "reason: " "  and gives a reason"
out=$(ev bulkhead.Filecopy personal dom0); is "$?" 0 "eval of a deny exits 0"
like "$out" "^result: deny" "  result: deny"
like "$out" "90-default.policy:2:" "  by the rule that denies"

# A VM calling itself: eval shows what the rules say (the broker refuses to run it).
mkdir -p "$scratch/loop.d"
echo 'test.Self * work @anyvm allow' >"$scratch/loop.d/50-loop.policy"
out=$("$vmctl" policy eval --policy-dir "$scratch/loop.d" --system-info "$info" test.Self work work)
like "$out" "^result: allow" "eval of a loopback shows the rules' allow"
like "$out" "target: work" "  with the caller as the target"

# eval --json
out=$(ev --json bulkhead.Filecopy work personal); is "$?" 0 "eval --json exits 0"
is "$(printf '%s\n' "$out" | wc -l)" 1 "  one line"
like "$out" '^\{"result":"ask","target":null,"targets_for_ask":\[' "  keys in order: result, target, targets_for_ask"
like "$out" '"default_target":"personal","user":null,"notify":false,"autostart":true,' "  default_target, user, notify, autostart"
like "$out" "\"matched_file\":\"$ok_dir/30-user.policy\",\"matched_lineno\":3," "  matched_file, matched_lineno"
like "$out" '"matched_rule":"bulkhead.Filecopy \* work @anyvm ask default_target=personal","reason":"[^"]+"\}$' "  matched_rule, reason"
like "$out" '"targets_for_ask":\[[^]]*"personal"' "  personal among the candidates"
if command -v python3 >/dev/null; then
	printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d) == 11'
	ok $? "  valid JSON with exactly 11 keys"
fi
out=$(ev --json bulkhead.Filecopy work vault)
like "$out" '"result":"ask"' "an earlier ask wins over a later deny"
out=$(ev --json nosuch.Service dom0 work)
like "$out" '^\{"result":"deny","target":null,"targets_for_ask":null,"default_target":null,"user":null,"notify":true,"autostart":null,"matched_file":null,"matched_lineno":null,"matched_rule":null,' "no match: deny with nulls"
out=$(ev --json bulkhead.Print+ work @dispvm)
like "$out" '"result":"allow","target":"@dispvm:default-dvm"' "@tag: source with the tag, @dispvm resolved"
out=$(ev --json bulkhead.Print mail @dispvm)
like "$out" '"matched_lineno":3,' "@tag: source without the tag does not match"
out=$(ev --json bulkhead.OpenURL mail '')
like "$out" '"result":"allow","target":"browser"' "an empty TARGET is @default"

out=$("$vmctl" policy eval --policy-dir "$scratch/bad.d" --system-info "$info" --json svc work personal)
is "$?" 0 "eval with a broken policy exits 0"
like "$out" '"result":"deny"' "  and denies"
like "$out" "\"reason\":\"The policy failed to load: $scratch/bad.d/30-user.policy:2: " "  with the load error as reason"

# eval usage
"$vmctl" policy eval --policy-dir "$ok_dir" svc work personal >/dev/null 2>&1
is "$?" 2 "eval without --system-info exits 2"
"$vmctl" policy eval --policy-dir "$ok_dir" --system-info "$info" svc work >/dev/null 2>&1
is "$?" 2 "eval with two arguments exits 2"
"$vmctl" policy eval --policy-dir "$ok_dir" --system-info "$info" 'bad/svc' work personal >/dev/null 2>&1
is "$?" 2 "eval with an invalid service exits 2"
"$vmctl" policy eval --policy-dir "$ok_dir" --system-info "$scratch/none.json" svc work personal >/dev/null 2>&1
is "$?" 1 "eval with an unreadable system info exits 1"
echo '{"domains": [' >"$scratch/bad.json"
err=$("$vmctl" policy eval --policy-dir "$ok_dir" --system-info "$scratch/bad.json" svc work personal 2>&1 >/dev/null)
is "$?" 1 "eval with invalid system info exits 1"
like "$err" "bad.json: System info" "  saying what is wrong"

tap_done
