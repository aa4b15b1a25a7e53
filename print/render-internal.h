/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The renderer (render-pages.c), run in the host's sandbox (render.c) or in a disposable VM
 * (print-render-service.c). */
#pragma once

/* The document's name in the renderer's directory; its pages are FIFOs beside it. */
#define PRINT_RENDER_DOC "doc.pdf"

/* Count the pages of <dir>/doc.pdf, write "PAGES n\n", then each page as a PPM, to out_fd.
 * dir must be writable (the page FIFOs go there). Returns the renderer's exit status
 * (print.h, PRINT_RENDER_*). */
int print_render_pages(const char *dir, int out_fd, int null_fd);
/* The limits of print.h on this process and those it starts: memory, CPU, no files written,
 * no core dumps, few descriptors. print_render_pages() sets them on poppler's tools itself. */
void print_render_limits(void);

/* render-seccomp.c: load the renderer's system-call filter (no_new_privs must be set). */
int print_render_seccomp(void);
