/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fault: the disk is full while the settings app saves a policy file. The policy directory is
 * a 256 KiB tmpfs (mounting it needs root: skipped otherwise) that a filler file has all but
 * used up; saving a text larger than what is left must fail with ENOSPC and leave the old file
 * exactly as it was, no temporary file behind, and a policy that still loads with the old rule.
 * With room again, the save goes through.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"

#include "policy-file.h"

#define NAME "50-config-x.policy"
#define OLD_TEXT "svc * work personal allow\n"

static int count_entries(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	int n = 0;

	while (d && g_dir_read_name(d))
		n++;
	return n;
}

/* Fill the file system with dir/filler until only a few hundred bytes are left. */
static void fill(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "filler", NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char block[512];

	memset(block, 'f', sizeof(block));
	while (fd >= 0 && write(fd, block, sizeof(block)) == (ssize_t)sizeof(block))
		;
	if (fd >= 0)
		close(fd);
}

/* A policy text far larger than the free space: it can only be written in part. */
static char *big_text(void)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < 4000; i++)
		g_string_append_printf(s, "svc * work personal deny # %d\n", i);
	return g_string_free(s, FALSE);
}

static void check_old_policy(const char *dir, const char *what)
{
	const char *dirs[] = { dir };
	struct policy *p = NULL;
	g_autofree char *got = NULL;
	g_autofree char *path = g_build_filename(dir, NAME, NULL);

	ok(g_file_get_contents(path, &got, NULL, NULL) && strcmp(got, OLD_TEXT) == 0,
	   "%s: the old file is exactly as it was", what);
	is_int(count_entries(dir), 2, "%s: no temporary file is left (old file and filler)", what);
	is_int(policy_load(dirs, 1, &p), 0, "%s: the policy still loads", what);
	is_int((int)policy_rule_count(p), 1, "%s: with its one old rule", what);
	policy_free(p);
}

int main(void)
{
	g_autofree char *tmp = g_dir_make_tmp("bulkhead-full-XXXXXX", NULL);
	g_autofree char *text = big_text();

	if (getuid() != 0)
		tap_skip_all("mounting a tmpfs needs root");
	if (!tmp || mount("bulkhead-test", tmp, "tmpfs", 0, "size=256k,mode=0700") < 0)
		tap_skip_all("cannot mount a tmpfs here");
	is_int(policy_file_write_atomic(tmp, NAME, OLD_TEXT), 0, "the first save works");
	fill(tmp);
	is_int(policy_file_write_atomic(tmp, NAME, text), -ENOSPC, "a save on a full disk: ENOSPC");
	check_old_policy(tmp, "after the failed save");
	is_int(policy_file_write_atomic(tmp, NAME, "svc * work mail allow\n"), -ENOSPC,
	       "even a small save fails while the disk is completely full");
	check_old_policy(tmp, "after the second failed save");
	g_autofree char *filler = g_build_filename(tmp, "filler", NULL);
	unlink(filler);
	is_int(policy_file_write_atomic(tmp, NAME, text), 0, "with room again, the save works");
	umount(tmp);
	rmdir(tmp);
	return tap_done();
}
