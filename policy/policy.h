/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpolicy: Bulkhead's Qubes-compatible policy language (design: POLICY.md; user guide:
 * docs/policy-guide.md). A pure library: it reads policy files and nothing else, keeps no
 * globals and never logs. Functions return >= 0 on success or -errno.
 *
 * Lifecycle:
 *   struct policy *p;
 *   r = policy_load(dirs, n_dirs, &p);      // r == -EINVAL: p has errors and denies everything
 *   policy_evaluate(p, &request, info, &decision);
 *   policy_decision_finish(&decision);
 *   policy_free(p);
 *
 * Fail closed: every loader sets *ret to a policy object even when the text has errors (then it
 * returns -EINVAL and policy_error_count() > 0). Such a policy still lists the rules it could
 * parse, for display, but policy_evaluate() denies every request with the first error as the
 * reason. Only -ENOMEM leaves *ret NULL. policy_evaluate() also accepts a NULL policy and
 * denies: a caller may keep NULL as "no policy".
 * A struct policy is immutable after loading, so one may be shared by threads.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Limits from POLICY.md: larger files or lines are errors. */
#define POLICY_FILE_MAX (1024 * 1024)
#define POLICY_LINE_MAX (64 * 1024)

struct policy;
struct policy_system_info;

enum policy_action {
	POLICY_DENY,
	POLICY_ALLOW,
	POLICY_ASK,
};

/* One load error. line is 0 for an error about a whole file (its name, its size, a directory
 * that cannot be read); print it as "FILE:LINE: MESSAGE" all the same. */
struct policy_error {
	const char *file; /* the path as read, or the override's display path */
	unsigned line;
	const char *message; /* one sentence, no trailing newline */
};

/* A file given in memory instead of on disk: it replaces the file of the same base name in the
 * directories, or adds one. Its display path (in errors and rules) is DIR/name with the DIR of
 * the file it replaces, else of the last directory, else name alone; relative includes in it are
 * resolved against that DIR. */
struct policy_override {
	const char *name; /* base name, e.g. "50-config-clipboard.policy" */
	const char *text;
	size_t len;
};

/*
 * Load every "*.policy" file of the directories, merged by base name (a file in a later
 * directory replaces one of the same name in an earlier directory) and read in byte order of
 * base names, with their includes. A directory that does not exist counts as empty.
 * Returns 0, -EINVAL (errors: see above), or -ENOMEM.
 */
int policy_load(const char *const *dirs, size_t n_dirs, struct policy **ret);
/* The same, with in-memory files replacing or adding files by base name. */
int policy_load_with_overrides(const char *const *dirs, size_t n_dirs,
			       const struct policy_override *overrides, size_t n_overrides,
			       struct policy **ret);
/* Parse one file's text alone, under a display name (e.g. "30-user.policy"). Relative includes
 * resolve against include_dir, or are errors when it is NULL. */
int policy_parse_text(const char *display_name, const char *text, size_t len,
		      const char *include_dir, struct policy **ret);
void policy_free(struct policy *p);

/* The default directories, in order (interfaces.md): $XDG_RUNTIME_DIR/bulkhead/policy.d,
 * /etc/bulkhead/policy.d, ${XDG_CONFIG_HOME:-~/.config}/bulkhead/policy.d. Returns the count
 * (directories whose variable is unset are left out); free with policy_strv_free(). */
int policy_default_dirs(char ***ret);
void policy_strv_free(char **strv);

size_t policy_error_count(const struct policy *p);
/* i < policy_error_count(); the strings live as long as p. */
const struct policy_error *policy_error_get(const struct policy *p, size_t i);
size_t policy_rule_count(const struct policy *p);
/* Files read, includes counted: "policy OK (N rules in M files)". */
size_t policy_file_count(const struct policy *p);

/* One rule for display (the settings GUI shows them as rows). Strings live as long as p.
 * Rules from "!include-service" files carry the directive's service and argument. */
struct policy_rule_info {
	const char *file;
	unsigned line;
	const char *service;  /* "*" or a name */
	const char *argument; /* "*" or "+arg" (with the '+') */
	const char *source;
	const char *target;
	enum policy_action action;
	const char *params; /* "k=v k=v" as normalised text, "" if none */
	const char *text;   /* the original line, without its newline */
	/* The parameters one by one; NULL / -1 when not given. */
	const char *target_param;
	const char *default_target;
	const char *user;
	int notify;    /* -1, 0 or 1 */
	int autostart; /* -1, 0 or 1 */
};
/* i < policy_rule_count(); -ERANGE otherwise. */
int policy_rule_get(const struct policy *p, size_t i, struct policy_rule_info *ret);

/*
 * System info: the VM list in POLICY.md's JSON shape {"domains": {NAME: {...}}}. Keys read:
 * type, tags, default_dispvm, template_for_dispvms, power_state, internal (optional, false by
 * default: a helper VM no ask dialog offers, as Qubes' "internal" feature), and (optional,
 * Bulkhead's addition) template: a DispVM's disposable template, for "@dispvm:X" in the source
 * column.
 * On -EINVAL, *ret_error (if not NULL) gets a malloc'd sentence saying what is wrong.
 */
int policy_system_info_parse(const char *json, size_t len, struct policy_system_info **ret,
			     char **ret_error);
void policy_system_info_free(struct policy_system_info *info);
/* The disposable template for a disposable made on source's behalf outside the policy (the
 * print filter's renderer): source's default_dispvm when that is a disposable template, else
 * the host's only disposable template; NULL when there is none (or several, none chosen). */
const char *policy_system_info_dispvm_for(const struct policy_system_info *info,
					  const char *source);

/* A request. service has no '+'; argument excludes the '+' ("" or NULL: no argument, which is
 * the same as the argument "+"). target "" or NULL means @default. */
struct policy_request {
	const char *service;
	const char *argument;
	const char *source;
	const char *target;
};

/* A decision; every string is owned by it and freed by policy_decision_finish(). */
struct policy_decision {
	enum policy_action result;
	char *target;		/* allow: the resolved target ("@dispvm:X" = a new disposable) */
	char **targets_for_ask; /* ask: the candidates, sorted; NULL otherwise */
	size_t n_targets_for_ask;
	char *default_target; /* ask: only if among the candidates; else NULL */
	char *user;	      /* allow/ask: the user= parameter, NULL for the default */
	bool notify;
	bool autostart;	    /* allow/ask: may the target be started; false on deny */
	char *matched_file; /* the deciding rule; NULL when no rule matched */
	unsigned matched_line;
	char *matched_rule;
	char *reason; /* one sentence, always set */
};

/* Decide a request. Returns 0 with *ret filled (deny included), or -ENOMEM (then *ret is an
 * empty deny that policy_decision_finish() accepts). info may be NULL: then only requests that
 * need no VM knowledge can be decided, which in practice means deny. */
int policy_evaluate(const struct policy *p, const struct policy_request *req,
		    const struct policy_system_info *info, struct policy_decision *ret);
/* After an ask: turn the decision into an allow of answer, which must be one of the
 * candidates (-EPERM otherwise, the decision then unchanged). */
int policy_decision_accept_answer(struct policy_decision *d, const char *answer);
void policy_decision_finish(struct policy_decision *d);

/* The decision as one JSON object (the keys of `vmctl policy eval --json`, null where a field
 * does not apply); a malloc'd string or NULL on -ENOMEM. */
char *policy_decision_to_json(const struct policy_decision *d);
const char *policy_action_to_string(enum policy_action a);
