#!/bin/bash
# The bash completion completes what the built vmctl offers.
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
PATH=$(dirname "$1"):$PATH
. "$BULKHEAD_SOURCE_ROOT/packaging/bash-completion/vmctl"

complete_words() { # complete_words WORD...: the candidates for the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_vmctl
	printf '%s\n' "${COMPREPLY[@]}"
}

like "$(complete_words vmctl pol)" '^policy$' "'vmctl pol' completes to policy"
like "$(complete_words vmctl clip)" '^clipboard$' "'vmctl clip' completes to clipboard"
is "$(complete_words vmctl policy "" | tr '\n' ' ')" "check eval " "policy offers check and eval"
like "$(complete_words vmctl clipboard s)" '^show$' "clipboard actions complete"
like "$(complete_words vmctl --v)" '^--version$' "global options complete"
is "$(complete_words vmctl backup "" | tr '\n' ' ')" "create list verify restore " "backup offers its actions"
is "$(complete_words vmctl backup restore --re)" "--rename-prefix" "backup restore completes its options"
is "$(complete_words vmctl backup list --re)" "" "  and only the options of that action"
is "$(complete_words vmctl help hel)" "help" "help completes command names"
is "$(complete_words vmctl firewall work "" | tr '\n' ' ')" "list add del reset " \
	"firewall offers its actions after the VM"
is "$(complete_words vmctl firewall work add "" | tr '\n' ' ')" "--before allow deny " \
	"  and add offers --before and the actions"
is "$(complete_words vmctl create work --net "" | tr '\n' ' ')" "none nat " "create --net offers none and nat"
n=$(complete_words vmctl "" | wc -l)
is "$n" "$(($("$1" --help | awk '/^Commands:/{on=1;next} on&&NF{c++} /^$/&&on{on=0} END{print c}') + 2))" "every command from --help is offered"
tap_done
