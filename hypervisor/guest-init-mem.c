/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest init's memory trim (bulkhead.lean=1, docs/memory.md): once the VM is up, hand the
 * host back what the boot touched and no longer uses.
 *
 * The host only gets back guest pages the guest reports free (virtio-balloon's free page
 * reporting), and the kernel reports only free blocks of at least page_reporting_order (2 MiB
 * by default). After boot the page cache and the dentry and inode caches hold what was read
 * once, and some free memory lies in smaller blocks between pages in use. So, a few seconds
 * after the agents started (the first commands and the GUI's start are not slowed down): a
 * finer reporting order, the caches dropped, the free memory compacted into blocks the kernel
 * then reports. ~10 MiB of host memory (docs/memory.md).
 *
 * Trust: the guest's own kernel knobs; nothing here reaches the host but the reports.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest-init.h"

/* 2^5 pages = 128 KiB: fine enough that the scattered free memory after boot is reported,
 * coarse enough that a VM does not send a report for every page it frees. */
#define REPORTING_ORDER "5"
#define TRIM_DELAY_S 3

static void write_knob(const char *path, const char *value)
{
	if (access(path, W_OK) == 0)
		init_write_file(path, value, 0644);
}

static _Noreturn void trim(void)
{
	struct timespec delay = { .tv_sec = TRIM_DELAY_S };
	double t0;

	nanosleep(&delay, NULL);
	t0 = init_uptime();
	write_knob("/sys/module/page_reporting/parameters/page_reporting_order", REPORTING_ORDER);
	sync();
	write_knob("/proc/sys/vm/drop_caches", "3");
	write_knob("/proc/sys/vm/compact_memory", "1");
	init_log("memory trimmed in %.2f s", init_uptime() - t0);
	_exit(0);
}

/* In a child: init goes on reaping and supervising meanwhile. */
void init_trim_memory(const struct init_config *cfg)
{
	pid_t pid;

	if (strcmp(cfg->lean, "1") != 0)
		return;
	pid = fork();
	if (pid == 0)
		trim();
	if (pid < 0)
		init_log("fork for the memory trim failed");
}
