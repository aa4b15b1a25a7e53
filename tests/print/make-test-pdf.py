#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a test PDF from raw objects: the active content a print sanitiser must strip.

make-test-pdf.py OUT [--pages N] [--blank] [--mediabox W H]
Each page carries large text (Helvetica, an embedded-font-free base font), a filled box, and
a link annotation (/URI). The document has an OpenAction with /JavaScript, an /EmbeddedFile
in /Names, and an /AcroForm with one text field: everything that must not survive. --blank
leaves the page content out (a page-count bomb stays cheap to write and to render).
"""
import sys
import zlib

def build(pages, blank, box):
    objs = {}
    n_fixed = 8
    # 1 catalog, 2 pages, 3 font, 4 js action, 5 embedded file stream, 6 filespec,
    # 7 form field, 8 names tree for embedded files
    page_ids = []
    next_id = n_fixed + 1
    for p in range(pages):
        page_id, content_id, annot_id = next_id, next_id + 1, next_id + 2
        next_id += 3
        page_ids.append(page_id)
        if blank:
            stream = b""
        else:
            stream = (
                b"0.2 0.4 0.8 rg 72 600 300 120 re f\n"
                b"BT /F1 36 Tf 0 0 0 rg 72 500 Td (Bulkhead page %d) Tj ET\n"
                b"BT /F1 18 Tf 72 440 Td (The quick brown fox jumps over the lazy dog.) Tj ET\n"
                b"BT /F1 18 Tf 0 0 1 rg 72 380 Td (https://example.org/link) Tj ET\n"
                % (p + 1)
            )
        objs[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[annot_id] = (b"<< /Type /Annot /Subtype /Link /Rect [72 370 400 400] /Border [0 0 0]"
                          b" /A << /S /URI /URI (https://example.org/link) >> >>")
        objs[page_id] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                         b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R"
                         b" /Annots [%d 0 R 7 0 R] >>" % (content_id, annot_id))
        objs[page_id] = objs[page_id].replace(b"[0 0 595 842]", b"[0 0 %d %d]" % box)
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objs[1] = (b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R"
               b" /Names << /EmbeddedFiles 8 0 R /JavaScript << /Names [(js) 4 0 R] >> >>"
               b" /AcroForm << /Fields [7 0 R] >> >>")
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    objs[4] = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hostile'\\);) >>"
    payload = zlib.compress(b"secret attachment\n")
    objs[5] = (b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n"
               % len(payload) + payload + b"\nendstream")
    objs[6] = b"<< /Type /Filespec /F (secret.txt) /EF << /F 5 0 R >> >>"
    objs[7] = (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (field) /V (form value)"
               b" /Rect [72 100 300 130] /P %d 0 R >>" % page_ids[0])
    objs[8] = b"<< /Names [(secret.txt) 6 0 R] >>"
    return objs, next_id

def write(out, objs, count):
    data = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in range(1, count):
        offsets[i] = len(data)
        data += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for i in range(1, count):
        data += b"%010d 00000 n \n" % offsets[i]
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    out.write(data)

def main():
    args = sys.argv[1:]
    pages, blank, box = 3, False, (595, 842)
    if "--mediabox" in args:
        i = args.index("--mediabox")
        box = (int(args[i + 1]), int(args[i + 2]))
        del args[i:i + 3]
    if "--pages" in args:
        i = args.index("--pages")
        pages = int(args[i + 1])
        del args[i:i + 2]
    if "--blank" in args:
        args.remove("--blank")
        blank = True
    if len(args) != 1:
        sys.exit("usage: make-test-pdf.py OUT [--pages N] [--blank] [--mediabox W H]")
    objs, count = build(pages, blank, box)
    with open(args[0], "wb") as f:
        write(f, objs, count)

main()
