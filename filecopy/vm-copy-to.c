/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-copy-to VM FILE..., vm-move-to VM FILE..., vm-copy FILE..., vm-move FILE...: the guest's
 * commands to send files to another VM. They run, through the broker,
 *
 *   qrexec-client-vm TARGET bulkhead.Filecopy filecopy-send --as PROG --target TARGET FILE...
 *
 * so filecopy-send's stdin/stdout are the call to the target's bulkhead.Filecopy service, and
 * its stderr (progress bar, summary, errors) is this terminal. vm-copy and vm-move leave the
 * target to policy (@default: the ask prompt or a default_target). The move variants delete
 * the sources only after the receiver confirmed the whole copy (filecopy-send --move).
 *
 * One source, built four times with VMCOPY_MOVE / VMCOPY_ASK set per program.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "strutil.h"
#include "validate.h"

#ifndef VMCOPY_NAME
#error "build with -DVMCOPY_NAME=... -DVMCOPY_MOVE=0|1 -DVMCOPY_ASK=0|1"
#endif
#ifndef FILECOPY_SEND_PATH
#define FILECOPY_SEND_PATH "filecopy-send"
#endif

static int usage(FILE *f, int code)
{
	fprintf(f,
		"Usage: %s [--quiet|--summary] %sFILE...\n\n"
		"%s FILEs (directories recursively) to %s, through the Bulkhead broker and its\n"
		"policy for bulkhead.Filecopy. They arrive in that VM's ~/Incoming/<this VM>/; a\n"
		"name that exists there already is kept beside it as 'name (1)'.%s\n",
		VMCOPY_NAME, VMCOPY_ASK ? "" : "VM ", VMCOPY_MOVE ? "Move" : "Copy",
		VMCOPY_ASK ? "the VM that policy (or your answer to the prompt) chooses" : "VM",
		VMCOPY_MOVE ? "\nThe sources are deleted only after the whole copy succeeded."
			    : "");
	return code;
}

/* Check every FILE before any broker call, so a typo does not cost a policy prompt. */
static int check_files(char **files, int n)
{
	struct stat st;

	for (int i = 0; i < n; i++)
		if (lstat(files[i], &st) < 0) {
			fprintf(stderr, "%s: cannot access '%s': %s\n", VMCOPY_NAME, files[i],
				strerror(errno));
			return -errno;
		}
	return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

/* filecopy-send: $BULKHEAD_FILECOPY_SEND, the installed one, or the one beside this program
 * (a build tree, or a guest that sees the host's programs somewhere else). */
static const char *sender_path(void)
{
	static char beside[4096];
	const char *env = getenv("BULKHEAD_FILECOPY_SEND");
	ssize_t n;

	if (env && *env)
		return env;
	if (access(FILECOPY_SEND_PATH, X_OK) == 0)
		return FILECOPY_SEND_PATH;
	n = readlink("/proc/self/exe", beside, sizeof(beside) - 32);
	if (n <= 0)
		return FILECOPY_SEND_PATH;
	beside[n] = '\0';
	strcpy(strrchr(beside, '/') ? strrchr(beside, '/') + 1 : beside, "filecopy-send");
	return access(beside, X_OK) == 0 ? beside : FILECOPY_SEND_PATH;
}

/* qrexec-client-vm TARGET bulkhead.Filecopy filecopy-send --as .. --target .. [--move]
 * [--quiet|--summary] -- FILE... */
static char **build_argv(const char *target, const char *verbosity, char **files, int n)
{
	char **a = calloc((size_t)n + 12, sizeof(char *));
	int k = 0;

	if (!a)
		return NULL;
	a[k++] = (char *)env_or("BULKHEAD_QREXEC_CLIENT_VM", "qrexec-client-vm");
	a[k++] = (char *)target;
	a[k++] = (char *)"bulkhead.Filecopy";
	a[k++] = (char *)sender_path();
	a[k++] = (char *)"--as";
	a[k++] = (char *)VMCOPY_NAME;
	a[k++] = (char *)"--target";
	a[k++] = (char *)target;
	if (VMCOPY_MOVE)
		a[k++] = (char *)"--move";
	if (verbosity)
		a[k++] = (char *)verbosity;
	a[k++] = (char *)"--";
	for (int i = 0; i < n; i++)
		a[k++] = files[i];
	return a;
}

/* Options before the first non-option: returns the index of the first argument after them,
 * or -1 after --help, or -2 on a usage error. */
static int parse_options(int argc, char **argv, const char **verbosity)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (streq(argv[i], "--"))
			return i + 1;
		if (streq(argv[i], "--help") || streq(argv[i], "-h"))
			return -1;
		if (streq(argv[i], "--quiet") || streq(argv[i], "-q"))
			*verbosity = "--quiet";
		else if (streq(argv[i], "--summary"))
			*verbosity = "--summary"; /* even without a terminal (vmctl copy) */
		else
			return fprintf(stderr, "%s: unknown option '%s'\n", VMCOPY_NAME, argv[i]),
			       -2;
	}
	return i;
}

int main(int argc, char **argv)
{
	const char *target = "@default", *verbosity = NULL;
	int i = parse_options(argc, argv, &verbosity);

	if (i < 0)
		return i == -1 ? usage(stdout, 0) : usage(stderr, 2);
	if (!VMCOPY_ASK && i < argc)
		target = argv[i++];
	if (i >= argc)
		return usage(stderr, 2);
	if (!VMCOPY_ASK && !vm_name_is_valid(target) && target[0] != '@') {
		fprintf(stderr, "%s: '%s' is not a valid VM name\n", VMCOPY_NAME, target);
		return 2;
	}
	if (check_files(argv + i, argc - i) < 0)
		return 1;
	char **a = build_argv(target, verbosity, argv + i, argc - i);
	if (!a)
		return 1;
	execvp(a[0], a);
	fprintf(stderr, "%s: cannot run %s: %s\n", VMCOPY_NAME, a[0], strerror(errno));
	free(a);
	return 1;
}
