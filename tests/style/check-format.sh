#!/bin/sh
# TAP test: every C file git knows about is formatted as .clang-format says.
# With --self-test it first proves it can fail: a misformatted sample must be caught.
set -u
root=${BULKHEAD_SOURCE_ROOT:?}
cf=${CLANG_FORMAT:-clang-format}
n=0
failed=0

check() { # check FILE DISPLAY-NAME: 0 if formatted
	"$cf" --style="file:$root/.clang-format" --dry-run --Werror "$1" >/dev/null 2>&1
}

report() { # report STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi
}

command -v "$cf" >/dev/null || { echo "1..0 # SKIP $cf not installed"; exit 77; }

sample=$(mktemp --suffix=.c)
trap 'rm -f "$sample"' EXIT
printf 'int f(int x){if(x) return 1; else {return 2;}}\n' >"$sample"
if check "$sample"; then report 1 "the checker catches a misformatted file"; else report 0 "the checker catches a misformatted file"; fi

cd "$root" || exit 1
for f in $(git ls-files --cached --others --exclude-standard -- '*.c' '*.h'); do
	[ -f "$f" ] || continue
	if check "$f"; then
		report 0 "$f"
	else
		report 1 "$f is not formatted (run: clang-format -i $f)"
		"$cf" --style="file:$root/.clang-format" "$f" | diff -u "$f" - | head -20 | sed 's/^/# /'
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
