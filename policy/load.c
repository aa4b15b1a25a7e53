/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading policy files: the directories merged by base name, in-memory overrides, includes.
 * Every file is read whole (at most POLICY_FILE_MAX) before it is parsed, and the compiled
 * policy is handed out only when complete, so no request ever sees a half-read policy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fdio.h"
#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

/* Deeper nesting is surely a mistake; and with the total below it bounds the work of a load. */
#define INCLUDE_DEPTH_MAX 16
#define POLICY_TOTAL_MAX (64 * 1024 * 1024)
/* What reading one file or directory costs at least against POLICY_TOTAL_MAX, so that includes
 * of empty files, repeated and nested, are bounded too. */
#define INCLUDE_COST 4096

bool policy_file_name_is_valid(const char *name)
{
	return *name && strspn(name, "0123456789abcdefghijklmnopqrstuvwxyz_.-") == strlen(name);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Editor swap files, READMEs and dot files are not policy: only regular "*.policy" files. */
static bool dirent_is_policy(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_name[0] == '.' || !str_endswith(de->d_name, ".policy"))
		return false;
	return fstatat(dirfd(d), de->d_name, &st, 0) == 0 && S_ISREG(st.st_mode);
}

static int strv_push(char ***strv, size_t *n, size_t *cap, const char *s)
{
	if (*n + 1 >= *cap) {
		size_t newcap = *cap ? *cap * 2 : 16;
		char **a = reallocarray(*strv, newcap, sizeof(char *));
		if (!a)
			return -ENOMEM;
		*strv = a;
		*cap = newcap;
	}
	if (!((*strv)[*n] = strdup(s)))
		return -ENOMEM;
	(*strv)[++*n] = NULL;
	return 0;
}

int policy_dir_list(const char *dir, char ***ret)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;

	if (!d)
		return negative_errno();
	while (r == 0 && (errno = 0, de = readdir(d)))
		if (dirent_is_policy(d, de))
			r = strv_push(&names, &n, &cap, de->d_name);
	if (r == 0 && errno)
		r = negative_errno();
	closedir(d);
	if (r == 0 && !names && !(names = calloc(1, sizeof(char *))))
		r = -ENOMEM;
	if (r < 0) {
		policy_strv_free(names);
		return r;
	}
	qsort(names, n, sizeof(char *), compare_names);
	*ret = names;
	return (int)n;
}

static bool include_is_loop(const struct parse_ctx *ctx, const struct stat *st)
{
	for (const struct include_frame *f = ctx->stack; f; f = f->parent)
		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return true;
	return false;
}

static int charge(struct parse_ctx *ctx, const char *file, unsigned line, size_t bytes)
{
	ctx->total_bytes += bytes + INCLUDE_COST;
	if (ctx->total_bytes <= POLICY_TOTAL_MAX)
		return 0;
	return policy_add_error(ctx->policy, file, line,
				"The policy with its includes is larger than %d bytes.",
				POLICY_TOTAL_MAX)
		       ?: -EINVAL;
}

/* path must be a regular file not already on the include stack; errors go to file:line. */
static int check_policy_file(struct parse_ctx *ctx, const char *file, unsigned line,
			     const char *path, struct stat *st)
{
	struct policy *p = ctx->policy;

	if (stat(path, st) < 0)
		return policy_add_error(p, file, line, "Cannot read '%s': %s.", path,
					strerror(errno))
			       ?: -EINVAL;
	if (!S_ISREG(st->st_mode))
		return policy_add_error(p, file, line, "'%s' is not a regular file.", path)
			       ?: -EINVAL;
	if (include_is_loop(ctx, st))
		return policy_add_error(p, file, line, "Include loop: '%s' is already being read.",
					path)
			       ?: -EINVAL;
	return 0;
}

/* Read path whole; errors are reported at file:line, line 0 for a top-level file. */
static int read_policy_file(struct parse_ctx *ctx, const char *file, unsigned line,
			    const char *path, struct stat *st, char **ret, size_t *ret_len)
{
	struct policy *p = ctx->policy;
	int r = check_policy_file(ctx, file, line, path, st);

	if (r < 0)
		return r;
	r = fd_read_file(AT_FDCWD, path, POLICY_FILE_MAX, ret, ret_len);
	if (r == -EFBIG)
		return policy_add_error(p, file, line, "'%s' is larger than %d bytes.", path,
					POLICY_FILE_MAX)
			       ?: -EINVAL;
	if (r < 0)
		return policy_add_error(p, file, line, "Cannot read '%s': %s.", path, strerror(-r))
			       ?: -EINVAL;
	return charge(ctx, file, line, *ret_len);
}

/* Read and parse path with its own frame on the include stack. */
static int parse_file(struct parse_ctx *ctx, const char *file, unsigned line, const char *path,
		      const struct old_syntax *old)
{
	_cleanup_free_ char *text = NULL;
	struct include_frame frame;
	const char *display;
	struct stat st;
	size_t len = 0;
	int r = read_policy_file(ctx, file, line, path, &st, &text, &len);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (!(display = policy_add_file(ctx->policy, path)))
		return -ENOMEM;
	frame = (struct include_frame){ st.st_dev, st.st_ino, ctx->stack };
	ctx->stack = &frame;
	ctx->depth++;
	r = parse_text(ctx, display, text, len, old);
	ctx->depth--;
	ctx->stack = frame.parent;
	return r;
}

int include_file(struct parse_ctx *ctx, const char *file, unsigned line, const char *path,
		 const struct old_syntax *old)
{
	if (ctx->depth > INCLUDE_DEPTH_MAX)
		return policy_add_error(ctx->policy, file, line,
					"Includes are nested more than %d deep.",
					INCLUDE_DEPTH_MAX);
	return parse_file(ctx, file, line, path, old);
}

int include_dir(struct parse_ctx *ctx, const char *file, unsigned line, const char *dir)
{
	char **names = NULL;
	int n, r = charge(ctx, file, line, 0);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	n = policy_dir_list(dir, &names);
	if (n < 0)
		return n == -ENOMEM ? n
				    : policy_add_error(ctx->policy, file, line,
						       "Cannot read directory '%s': %s.", dir,
						       strerror(-n));
	for (int i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *path = str_new_printf("%s/%s", dir, names[i]);
		if (!path)
			r = -ENOMEM;
		else if (!policy_file_name_is_valid(names[i]))
			r = policy_add_error(ctx->policy, path, 0,
					     "Invalid policy file name: use only lower-case "
					     "letters, digits, '_', '.' and '-'.");
		else
			r = include_file(ctx, file, line, path, NULL);
	}
	policy_strv_free(names);
	return r;
}
