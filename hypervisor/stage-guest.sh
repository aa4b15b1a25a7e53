#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stage-guest.sh STAMP DIR PROGRAM... --rpc SERVICE...: the build tree's guest dir, laid out as
# an installed one (DIR/bin, DIR/rpc), of links relative to DIR's parent (the build root). A VM
# booted from the build tree gets the build root as its 9p share, so the links resolve inside
# the guest as they do here.
set -eu
stamp=$1 dir=$2
shift 2
root=$(dirname "$dir")
sub=bin
rm -rf "$dir.new"
mkdir -p "$dir.new/bin" "$dir.new/rpc"
for f in "$@"; do
	if [ "$f" = --rpc ]; then sub=rpc; continue; fi
	# configure_file() drops the executable bit of script services; installs set it again.
	[ "$sub" = bin ] || [ -x "$f" ] || chmod +x "$f"
	rel=$(realpath --relative-to="$root" "$f")
	ln -s "../../$rel" "$dir.new/$sub/$(basename "$f")"
done
rm -rf "$dir"
mv "$dir.new" "$dir"
touch "$stamp"
