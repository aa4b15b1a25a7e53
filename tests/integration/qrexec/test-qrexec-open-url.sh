#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration, the main job: a link opened in VM mail (xdg-open, $BROWSER, vm-open-url) reaches
# VM browser's browser command exactly, as one argument, on browser's own display; bad URLs
# never start a browser.
set -u
. "$BULKHEAD_SOURCE_ROOT/tests/lib/tap.sh"
. "$BULKHEAD_SOURCE_ROOT/tests/lib/testbed.sh"
command -v Xvfb >/dev/null || skip_all "Xvfb is not installed"
command -v xdg-open >/dev/null || skip_all "xdg-open is not installed"

tb_init
tb_vm mail --xvfb
tb_vm browser --xvfb
fake=$TB/vm/browser/bin/fake-browser
printf '#!/bin/sh\n{ echo "argc=$#"; for a in "$@"; do echo "arg=$a"; done; echo "display=$DISPLAY"; } >"%s.tmp"\nmv "%s.tmp" "%s"\n' \
	"$TB/opened" "$TB/opened" "$TB/opened" >"$fake"
chmod +x "$fake"
tb_vm_setenv browser "BULKHEAD_BROWSER=$fake"
tb_policy 50-open-url 'bulkhead.OpenURL  *  mail  @default  allow target=browser
bulkhead.OpenURL  *  mail  browser   allow'
tb_start || { echo "Bail out! the test bed did not start"; exit 1; }

opened() { # wait for the fake browser, print what it recorded
	for _ in $(seq 100); do [ -e "$TB/opened" ] && break; sleep 0.05; done
	cat "$TB/opened" 2>/dev/null
	rm -f "$TB/opened"
}
want() { printf 'argc=1\narg=%s\ndisplay=%s' "$1" "$(tb_display browser)"; }

url='https://example.org/a?b=c'
tb_run mail env -u BROWSER xdg-open "$url"
ok $? "xdg-open in mail succeeds"
is "$(opened)" "$(want "$url")" "xdg-open $url reaches browser's browser exactly, on browser's display"

tb_run mail sh -c 'exec $BROWSER "$0"' 'https://example.org/via-browser-variable'
is "$(opened)" "$(want 'https://example.org/via-browser-variable')" "\$BROWSER in the VM is vm-open-url"
tb_run mail sh -c 'DISPLAY= xdg-open "$0"' 'http://example.org/$(id)&x=1;y'
is "$(opened)" "$(want 'http://example.org/$(id)&x=1;y')" "\$BROWSER (xdg-open without a display) passes shell metacharacters as one argument"

tb_run mail vm-open-url 'mailto:someone@example.org?subject=hi'
is "$(opened)" "$(want 'mailto:someone@example.org?subject=hi')" "mailto: is opened"

tb_run mail vm-open-url --target browser 'ftp://example.org/f'
is "$(opened)" "$(want 'ftp://example.org/f')" "vm-open-url --target VM"

tb_run mail vm-open-url 'javascript:alert(1)' 2>/dev/null
is $? 2 "vm-open-url refuses what is not a URL"
tb_run mail vm-open-url 'file:///etc/passwd' 2>/dev/null
isnt=$?
ok "$([ "$isnt" -ne 0 ]; echo $?)" "file:// is refused by the service"
tb_run mail vm-open-url 'http://example.org/x y' 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a space is refused by the service"
tb_run mail vm-open-url "http://example.org/$(printf '\001')x" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a control character is refused by the service"
long="http://example.org/$(head -c 9000 /dev/zero | tr '\0' a)"
tb_run mail vm-open-url "$long" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a URL over 8 KiB is refused"
sleep 0.3
ok "$([ ! -e "$TB/opened" ]; echo $?)" "no refused URL ever started the browser"
tb_run browser vm-open-url 'https://example.org/' 2>/dev/null
is $? 126 "browser may not open URLs in other VMs (no rule): 126"
tap_done
