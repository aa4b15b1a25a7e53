#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stage-guest.sh STAMP DIR PROGRAM... --rpc SERVICE...: the build tree's guest dir, laid out as
# an installed one (DIR/bin, DIR/rpc), of links relative to DIR's parent (the build root). A VM
# booted from the build tree gets the build root as its 9p share, so the links resolve inside
# the guest as they do here. Updated in place, link by link: VMs of a running test may be
# looking at it while a rebuild runs.
set -eu
stamp=$1 dir=$2
shift 2
root=$(dirname "$dir")
sub=bin
mkdir -p "$dir/bin" "$dir/rpc"
wanted=
for f in "$@"; do
	if [ "$f" = --rpc ]; then sub=rpc; continue; fi
	# configure_file() drops the executable bit of script services; installs set it again.
	[ "$sub" = bin ] || [ -x "$f" ] || chmod +x "$f"
	rel=$(realpath --relative-to="$root" "$f")
	name=$(basename "$f")
	[ "$(readlink "$dir/$sub/$name" 2>/dev/null)" = "../../$rel" ] ||
		ln -sfn "../../$rel" "$dir/$sub/$name"
	wanted="$wanted $sub/$name"
done
# Links to programs no longer built go.
for f in "$dir"/bin/* "$dir"/rpc/*; do
	[ -L "$f" ] || continue
	case " $wanted " in *" ${f#"$dir"/} "*) ;; *) rm -f "$f" ;; esac
done
touch "$stamp"
