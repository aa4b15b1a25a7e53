/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libprint: the print path's sanitiser (docs/print.md). A document from a VM is rendered to
 * pixels by pdftoppm in a disposable VM or in a host sandbox (render.c), the pixels come back as PPM pages and are parsed
 * with hard limits (untrusted-ppm.c), and Bulkhead's own writer (pdf-writer.c) rebuilds a PDF
 * that holds nothing but one RGB image per page. No script, font, form, attachment or link of
 * the original can survive: none of its objects is ever copied.
 *
 *   render.c          the sandboxed renderer: namespaces, limits, pdfinfo + pdftoppm
 *   untrusted-ppm.c   the renderer's output: page count line and PPM headers (fuzzed)
 *   pdf-writer.c      the raster PDF: one FlateDecode image XObject per page
 *   render-pages.c    the renderer itself (pdfinfo, pdftoppm into FIFOs), in the sandbox or
 *                     in a disposable VM as bulkhead.PrintRender (print-render-service.c)
 *   sanitise.c        the whole conversion with its deadline, and the error a user sees
 *   config.c          the global default_print_vm and the policy file it writes
 *
 * Functions return >= 0 or -errno and do not log.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Limits, documented in docs/print.md. A job over any of them prints nothing. */
#define PRINT_DOC_MAX (64u << 20)	  /* bytes of the document a VM may send */
#define PRINT_PAGES_MAX 100u		  /* pages of one job */
#define PRINT_DPI 150u			  /* rendering resolution */
#define PRINT_PAGE_SIDE_MAX 4000u	  /* pixels: 26.6 in at 150 DPI */
#define PRINT_PAGE_PIXELS_MAX (12u << 20) /* width * height: beyond A2 at 150 DPI */
#define PRINT_OUTPUT_MAX (512u << 20)	  /* bytes of the raster PDF */
#define PRINT_RENDER_MEMORY (1024u << 20) /* RLIMIT_AS of each renderer process */
#define PRINT_RENDER_CPU_SECONDS 60u	  /* RLIMIT_CPU of each renderer process */
#define PRINT_TIMEOUT_SECONDS 120u	  /* wall clock for the whole conversion */
#define PRINT_PPM_HEADER_MAX 64u

/* untrusted-ppm.c: what the renderer sends, "PAGES <n>\n" then n binary PPMs (P6, maxval 255). */
struct print_ppm {
	uint32_t width, height;
	size_t header_len; /* bytes of the header, up to and including its last whitespace */
	size_t data_len;   /* width * height * 3 */
};
/* 1: a whole header is in buf (*ret filled). 0: not yet, more bytes may complete it.
 * -EBADMSG: not a header we accept. -E2BIG: a valid header over the limits above. */
int print_ppm_header_parse(const uint8_t *untrusted, size_t len, struct print_ppm *ret);
/* "PAGES <n>\n": 1 with *ret_pages and *ret_len, 0 need more, -EBADMSG malformed. n may be
 * over PRINT_PAGES_MAX (the caller says so to the user); 0 pages is malformed. */
int print_pages_line_parse(const uint8_t *untrusted, size_t len, uint32_t *ret_pages,
			   size_t *ret_len);

/* pdf-writer.c */
struct pdf_writer;
int pdf_writer_new(int fd, unsigned dpi, struct pdf_writer **ret);
void pdf_writer_free(struct pdf_writer *w);
int pdf_writer_page_begin(struct pdf_writer *w, uint32_t width, uint32_t height);
/* RGB bytes of the page, in order, any split; the page must get exactly width*height*3. */
int pdf_writer_page_write(struct pdf_writer *w, const uint8_t *rgb, size_t len);
int pdf_writer_page_end(struct pdf_writer *w);
/* Write the page tree, the cross-reference table and the trailer; flush. */
int pdf_writer_finish(struct pdf_writer *w);
uint64_t pdf_writer_bytes(const struct pdf_writer *w);

/* render.c: start the sandboxed renderer on the document in doc_fd (a seekable fd; it is
 * read from offset 0). *ret_out: the read end of its output; *ret_pid: wait for it, kill it
 * on timeout (its whole namespace dies with it). */
int print_render_start(int doc_fd, pid_t *ret_pid, int *ret_out);
/* The caller bulkhead.PrintRender accepts: the host (its print filter). A VM's own call, were
 * a careless policy rule to let one through, carries the VM's name and is refused. */
#define PRINT_RENDER_CALLER "dom0"
/* The renderer's exit statuses: what went wrong, for the message a user sees. */
enum {
	PRINT_RENDER_OK = 0,
	PRINT_RENDER_SETUP = 10,   /* the sandbox could not be built */
	PRINT_RENDER_NOT_PDF = 11, /* poppler cannot read the document */
	PRINT_RENDER_PAGE = 12,	   /* a page failed to render (or hit a limit) */
};

/* sanitise.c: the document in doc_fd (seekable) becomes a raster PDF written to out_fd.
 * 0, or -errno with a one-line reason for the user in err (always set on failure). */
struct print_stats {
	uint32_t pages;
	uint64_t out_bytes;
};
int print_sanitise(int doc_fd, int out_fd, struct print_stats *stats, char *err, size_t errlen);
/* The same conversion on a renderer's output that comes some other way (a disposable VM's
 * bulkhead.PrintRender, render-dispvm.c): feed its bytes as they come, then its end. Each
 * failure leaves its one-line reason in err. */
struct print_conv;
int print_conv_new(int out_fd, char *err, size_t errlen, struct print_conv **ret);
void print_conv_free(struct print_conv *c);
/* 0, or -EBADMSG: the output broke a rule (stop reading, then print_conv_end with it). */
int print_conv_feed(struct print_conv *c, const void *untrusted, size_t len);
/* r: how reading ended (0 at the renderer's EOF, -ETIMEDOUT, -EBADMSG from feed, -errno);
 * status: the renderer's exit status. Finishes the PDF: 0, or -errno with err set. */
int print_conv_end(struct print_conv *c, int r, int status, struct print_stats *stats);

/* config.c: the global setting default_print_vm (common/global.h) and the policy file that
 * makes it the preselected target of bulkhead.Print: <config>/policy.d/50-config-print.policy. */
#define PRINT_GLOBAL_KEY "default_print_vm"
#define PRINT_POLICY_FILE "50-config-print.policy"
/* Set (vm NULL or "": unset) the default print VM; rewrites the policy file. -EINVAL: not a
 * VM name. */
int print_config_set_default_vm(const char *vm);
/* The current one, malloc'd, or NULL in *ret. */
int print_config_get_default_vm(char **ret);
/* The policy text for a default print VM (NULL: none). malloc'd. */
char *print_policy_text(const char *print_vm);
/* print_render: where the filter renders documents. Unset: in a disposable when the host has
 * a disposable template for the source, else in the host's sandbox. "dispvm": only in a
 * disposable (no template: the job is refused). "host": always in the host's sandbox. */
#define PRINT_RENDER_KEY "print_render"
enum print_render_where { PRINT_RENDER_AUTO, PRINT_RENDER_HOST, PRINT_RENDER_DISPVM };
/* -EINVAL: neither "host" nor "dispvm" (NULL or "": unset). */
int print_config_set_render(const char *where);
enum print_render_where print_config_get_render(void);
