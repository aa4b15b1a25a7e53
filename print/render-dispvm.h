/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The print filter's renderer in a disposable VM (render-dispvm.c). */
#pragma once

#include "print.h"
#include "validate.h"

#define PRINT_RENDER_SERVICE "bulkhead.PrintRender"

struct dispvm_job {
	const char *runtime_dir;  /* where bulkheadd's dispvm.sock and the daemons' sockets are */
	const char *source;	  /* the VM the document came from (for its template) */
	const char *template;	  /* the disposable template */
	char vm[VM_NAME_MAX + 1]; /* out: the disposable that rendered (or was meant to) */
	/* out, for the log and the benchmark: ms until bulkheadd named the disposable, until its
	 * renderer answered, until its first output, until its end */
	long long ms_taken, ms_started, ms_first_output, ms_done;
};

/* The disposable template that renders source's documents: its default_dispvm, else the
 * host's only disposable template (bulkheadd's system info). 0, or -ENOENT when there is none,
 * -EHOSTDOWN when bulkheadd does not answer. */
int print_dispvm_template_for(const char *source, char *template, size_t size);

/* The document in doc_fd (from its start) rendered by bulkhead.PrintRender in a new
 * disposable, its output converted as print_sanitise() does, under the same deadline
 * (starting the disposable included). The disposable is held for the job and destroyed when
 * it ends, however it ends. 0, or -errno with the user's reason in err. */
int print_render_dispvm(struct dispvm_job *job, int doc_fd, int out_fd, struct print_stats *stats,
			char *err, size_t errlen);
