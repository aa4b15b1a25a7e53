/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkheadd's optional configuration file, for what the command line also sets (which wins):
 *
 *   # $XDG_CONFIG_HOME/bulkhead/bulkheadd.conf (else ~/.config/bulkhead/bulkheadd.conf)
 *   uri = qemu:///session
 *   state_dir = /home/me/vms
 *   runtime_dir = /run/user/1000/bulkhead
 *
 * One "key = value" per line, '#' comments, blank lines. An unknown key or a malformed line is
 * an error naming the line: a typo must not silently start VMs somewhere else.
 */
#pragma once

#include <stddef.h>

#define HV_CONFIG_VALUE_MAX 4096

struct hv_config {
	char uri[HV_CONFIG_VALUE_MAX];
	char state_dir[HV_CONFIG_VALUE_MAX];
	char runtime_dir[HV_CONFIG_VALUE_MAX];
};

/* 0, or -EINVAL with "line N: reason" in err. Keys absent from text are left as they were. */
int hv_config_parse(const char *text, struct hv_config *cfg, char *err, size_t errsize);
/* Read the default file if it exists: 0 (also when there is none), or -errno with err set. */
int hv_config_load(struct hv_config *cfg, char *err, size_t errsize);
