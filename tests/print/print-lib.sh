# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the print tests (integration and e2e): a private cupsd with a PDF printer on a
# file, and the checks a user's eye would make on a printout.
#
#   pl_cupsd DIR            # cupsd on DIR/cups.sock, queue "out" -> DIR/out/print.pdf (A4);
#                           # exports CUPS_SERVER; its pid in DIR/pid
#   pl_active_content PDF   # the active-content names found in PDF (empty: none)
#   pl_page_rmse A B PAGE   # ImageMagick's normalised RMSE between page PAGE of A and of B
#   pl_pages PDF            # its page count (pdfinfo)
#   pl_e2e_skip_unless_possible  # real VMs (tests/e2e/hypervisor/lib.sh), the policy daemon,
#                           # CUPS and poppler, or skip
#   pl_vm_printer VM FILE   # in a real VM (vmctl run as root): its cupsd's default queue "out",
#                           # a PDF printer writing FILE

pl_cupsd() {
	local dir=$1 i
	mkdir -p "$dir/spool/tmp" "$dir/cache" "$dir/state" "$dir/log" "$dir/out" "$dir/ppd" \
		"$dir/ssl"
	chmod 777 "$dir/out"
	cat >"$dir/cupsd.conf" <<-CONF
	Listen $dir/cups.sock
	Browsing No
	WebInterface No
	DefaultAuthType None
	LogLevel info
	<Location />
	  Order allow,deny
	  Allow all
	</Location>
	<Location /admin>
	  Order allow,deny
	  Allow all
	</Location>
	CONF
	cat >"$dir/cups-files.conf" <<-CONF
	ServerRoot $dir
	RequestRoot $dir/spool
	TempDir $dir/spool/tmp
	CacheDir $dir/cache
	StateDir $dir/state
	AccessLog $dir/log/access_log
	ErrorLog $dir/log/error_log
	PageLog $dir/log/page_log
	FileDevice Yes
	Printcap $dir/printcap
	User lp
	Group lp
	CONF
	cupsd -f -c "$dir/cupsd.conf" -s "$dir/cups-files.conf" >>"$dir/log/stdout" 2>&1 &
	echo $! >"$dir/pid"
	export CUPS_SERVER=$dir/cups.sock
	for i in $(seq 100); do
		lpstat -r 2>/dev/null | grep -q "is running" && break
		sleep 0.1
	done
	lpadmin -p out -E -v "file://$dir/out/print.pdf" \
		-m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd -o PageSize=A4 2>/dev/null &&
		lpadmin -d out
}

pl_active_content() {
	grep -a -o -E '/(JS|JavaScript|URI|EmbeddedFile|EmbeddedFiles|AcroForm|Font|Annots|OpenAction|Launch)\b' \
		"$1" | sort -u | tr '\n' ' '
}

pl_pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }

# Both pages at 50 DPI, same pixel size; "compare" prints "abs (normalised)" on stderr.
pl_page_rmse() {
	local a=$1 b=$2 page=$3 tmp
	tmp=$(mktemp -d)
	pdftoppm -r 50 -f "$page" -l "$page" -singlefile -png "$a" "$tmp/a" 2>/dev/null
	pdftoppm -r 50 -f "$page" -l "$page" -singlefile -png "$b" "$tmp/b" 2>/dev/null
	convert "$tmp/b.png" -resize "$(identify -format '%wx%h!' "$tmp/a.png")" "$tmp/b2.png"
	compare -metric RMSE "$tmp/a.png" "$tmp/b2.png" /dev/null 2>&1 |
		sed -n 's/.*(\(.*\)).*/\1/p'
	rm -rf "$tmp"
}

pl_vm_printer() {
	timeout 120 "$VMCTL" run -u root "$1" -- sh -c '
	for i in $(seq 300); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.2; done
	lpadmin -p out -E -v file://'"$2"' -m lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd \
		-o PageSize=A4 2>/dev/null && lpadmin -d out && lpstat -d'
}

pl_e2e_skip_unless_possible() {
	e2e_skip_unless_possible
	[ -x "${BULKHEAD_QREXEC_POLICY_DAEMON:-}" ] || skip_all "qrexec-policy-daemon not built"
	command -v cupsd >/dev/null && command -v pdftoppm >/dev/null ||
		skip_all "cups or poppler-utils missing"
}
