/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the renderer's sandbox (render.c, render-pages.c). */
#pragma once

/* Count the pages of doc, write "PAGES n\n", then each page as a PPM, to out_fd. Returns
 * the renderer's exit status (print.h, PRINT_RENDER_*). */
int print_render_pages(const char *doc, int out_fd, int null_fd);

/* render-seccomp.c: load the renderer's system-call filter (no_new_privs must be set). */
int print_render_seccomp(void);
