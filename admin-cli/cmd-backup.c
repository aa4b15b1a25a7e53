/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl backup create | list | verify | restore (docs/man/vmctl-backup.1): the command line
 * around libbackup. Options are one table; each verb is one function.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "backup-cli.h"
#include "macro.h"
#include "paths.h"
#include "store.h"
#include "strutil.h"

enum verb_bit { CREATE = 1, LIST = 2, VERIFY = 4, RESTORE = 8, ALL = 15 };

static int set_vm(struct backup_cli_args *a, const char *v)
{
	if (a->n_vms >= BACKUP_CLI_VMS_MAX)
		return -E2BIG;
	a->vms[a->n_vms++] = v;
	return 0;
}

static int parse_u64(const char *v, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(v, &end, 10);
	return errno || end == v || v[0] == '-' ? -EINVAL : (int)(end - v);
}

/* A size in bytes with an optional K, M or G (binary) suffix. */
static int set_kdf_memory(struct backup_cli_args *a, const char *v)
{
	uint64_t n;
	int len = parse_u64(v, &n), shift;

	if (len < 0)
		return len;
	shift = !v[len]		      ? 0
		: streq(v + len, "K") ? 10
		: streq(v + len, "M") ? 20
		: streq(v + len, "G") ? 30
				      : -1;
	if (shift < 0 || n > (UINT64_MAX >> shift))
		return -EINVAL;
	a->kdf.memory = n << shift;
	return 0;
}

static int set_kdf_ops(struct backup_cli_args *a, const char *v)
{
	return parse_u64(v, &a->kdf.ops) < 0 || v[strspn(v, "0123456789")] ? -EINVAL : 0;
}

static int set_fd(struct backup_cli_args *a, const char *v)
{
	uint64_t n;

	if (parse_u64(v, &n) < 0 || v[strspn(v, "0123456789")] || n > 1024)
		return -EINVAL;
	a->passphrase_fd = (int)n;
	return 0;
}

static int set_file(struct backup_cli_args *a, const char *v)
{
	a->passphrase_file = v;
	return 0;
}

static int set_prefix(struct backup_cli_args *a, const char *v)
{
	a->rename_prefix = v;
	return 0;
}

static const struct option_def {
	const char *name;
	unsigned verbs;
	int (*set)(struct backup_cli_args *a, const char *value); /* NULL: a flag */
	size_t flag_offset;
} options[] = {
	{ "--vm", CREATE | RESTORE, set_vm, 0 },
	{ "--passphrase-file", ALL, set_file, 0 },
	{ "--passphrase-fd", ALL, set_fd, 0 },
	{ "--kdf-memory", CREATE, set_kdf_memory, 0 },
	{ "--kdf-ops", CREATE, set_kdf_ops, 0 },
	{ "--rename-prefix", RESTORE, set_prefix, 0 },
	{ "--json", ALL, NULL, offsetof(struct backup_cli_args, json) },
	{ "--reread", CREATE, NULL, offsetof(struct backup_cli_args, reread) },
	{ "--no-policy", RESTORE, NULL, offsetof(struct backup_cli_args, no_policy) },
};

static int positional(struct backup_cli_args *a, unsigned verb, const char *arg)
{
	uint64_t id;

	if (!a->dest) {
		a->dest = arg;
		return 0;
	}
	if (!(verb & (VERIFY | RESTORE)) || a->id || parse_u64(arg, &id) < 0 ||
	    arg[strspn(arg, "0123456789")] || id == 0)
		return -vmctl_usage_error(&vmctl_cmd_backup, "unexpected argument '%s'", arg);
	a->id = id;
	return 0;
}

static int option(struct backup_cli_args *a, unsigned verb, const struct option_def *o,
		  const char *value)
{
	if (!(o->verbs & verb))
		return -vmctl_usage_error(&vmctl_cmd_backup, "%s does not apply to '%s'", o->name,
					  a->verb);
	if (!o->set) {
		*(bool *)((char *)a + o->flag_offset) = true;
		return 0;
	}
	if (!value)
		return -vmctl_usage_error(&vmctl_cmd_backup, "%s needs a value", o->name);
	if (o->set(a, value) < 0)
		return -vmctl_usage_error(&vmctl_cmd_backup, "invalid value '%s' for %s", value,
					  o->name);
	return 1; /* consumed the value */
}

/* Options and arguments after the verb; VMCTL_EXIT_OK or VMCTL_EXIT_USAGE (printed). */
static int parse(int argc, char **argv, unsigned verb, struct backup_cli_args *a)
{
	int r = 0;

	for (int i = 2; i < argc && r >= 0; i++) {
		const struct option_def *o = NULL;
		for (size_t k = 0; k < ELEMENTSOF(options); k++)
			if (streq(argv[i], options[k].name))
				o = &options[k];
		if (o)
			r = option(a, verb, o, i + 1 < argc ? argv[i + 1] : NULL);
		else if (argv[i][0] == '-' && argv[i][1])
			r = -vmctl_usage_error(&vmctl_cmd_backup, "unknown option '%s'", argv[i]);
		else
			r = positional(a, verb, argv[i]);
		i += r == 1; /* the option's value */
	}
	if (r >= 0 && !a->dest)
		r = -vmctl_usage_error(&vmctl_cmd_backup, "missing DEST");
	if (r >= 0 && backup_cli_dest_is_vm(a->dest) && !backup_cli_vm_dest_is_valid(a->dest))
		r = -vmctl_usage_error(&vmctl_cmd_backup,
				       "'%s' is not a VM destination: write vm:VM:/absolute/path",
				       a->dest);
	return r < 0 ? VMCTL_EXIT_USAGE : VMCTL_EXIT_OK;
}

/* Whether DEST already holds a repository: 1, 0, or -errno. */
static int has_repository(const char *dest, struct backup_store *vm_store)
{
	_cleanup_free_ char *header = NULL;

	if (vm_store)
		return vm_store->ops->exists(vm_store, "header");
	header = str_new_printf("%s/header", dest);
	return header && access(header, F_OK) == 0;
}

int backup_cli_open(const struct backup_cli_args *a, bool create, struct backup_repo **ret)
{
	_cleanup_free_ char *state = bulkhead_state_dir();
	struct backup_open_options o = { .create = create, .kdf = a->kdf, .state_dir = state };
	struct backup_store *store = NULL;
	struct backup_repo *r = NULL;
	char *pass = NULL;
	size_t len;
	int k;

	if (backup_cli_dest_is_vm(a->dest) && backup_cli_vm_store_open(a->dest, create, &store) < 0)
		return -EIO;
	/* Asked twice only for a new repository: a typo would lock every backup away. */
	k = backup_passphrase_get(a, create && has_repository(a->dest, store) == 0, &pass, &len);
	if (k < 0) {
		backup_store_free(store);
		return k;
	}
	k = store ? backup_repo_open_store(store, a->dest, pass, len, &o, &r)
		  : backup_repo_open(a->dest, pass, len, &o, &r);
	backup_passphrase_free(pass);
	if (k < 0) {
		fprintf(stderr, "vmctl: backup: %s\n",
			r && backup_repo_error(r)[0] ? backup_repo_error(r) : strerror(-k));
		backup_repo_free(r);
		return k;
	}
	*ret = r;
	return 0;
}

static void free_repo(struct backup_repo **r)
{
	backup_repo_free(*r);
}
#define _cleanup_repo_ _cleanup_(free_repo)

/* The user's policy dir, the one backed up and restored (docs/interfaces.md). */
char *backup_cli_policy_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return str_new_printf("%s/bulkhead/policy.d", xdg);
	return str_new_printf("%s/.config/bulkhead/policy.d", home ? home : "");
}

/* The VMs to back up: those named (each must exist), or all; each halted or running (read
 * through a consistent copy), none on its way up or down. */
static int select_vms(const struct backup_cli_args *a, struct backup_cli_vm *vms, size_t n,
		      struct backup_cli_vm **sel, size_t *n_sel)
{
	for (size_t i = 0; i < a->n_vms; i++) {
		size_t k = 0;
		while (k < n && !streq(vms[k].name, a->vms[i]))
			k++;
		if (k == n)
			return fprintf(stderr, "vmctl: backup: VM '%s' does not exist\n",
				       a->vms[i]),
			       -ENOENT;
		for (size_t j = 0; j < *n_sel; j++)
			if (sel[j] == &vms[k])
				return fprintf(stderr, "vmctl: backup: VM '%s' named twice\n",
					       a->vms[i]),
				       -EINVAL;
		sel[(*n_sel)++] = &vms[k];
	}
	for (size_t k = 0; !a->n_vms && k < n; k++)
		sel[(*n_sel)++] = &vms[k];
	for (size_t i = 0; i < *n_sel; i++)
		if (!streq(sel[i]->state, "Halted") && !streq(sel[i]->state, "Running"))
			return fprintf(stderr,
				       "vmctl: backup: VM '%s' is %s: wait until it is running or "
				       "halted\n",
				       sel[i]->name, sel[i]->state),
			       -EBUSY;
	return 0;
}

/* A halted VM's volume is read where it is; a running VM's through a copy of this instant,
 * made by libvirt while it runs (copied[i] set: delete it when done). */
static int volume_path(const struct backup_cli_vm *vm, char *path, size_t size, bool *copied)
{
	*copied = streq(vm->state, "Running");
	if (*copied)
		return backup_vm_copy_volume(vm->name, path, size);
	return backup_vm_volume(vm->name, path, size);
}

static int make_sources(struct backup_cli_vm **sel, size_t n, struct backup_source *src,
			char (*paths)[4096], bool *copied, char **firewalls, uint64_t *total)
{
	struct stat st;

	*total = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(firewalls[i] = backup_vm_firewall(sel[i]->name)))
			return -EIO;
		if (volume_path(sel[i], paths[i], sizeof(paths[i]), &copied[i]) < 0)
			return -EIO;
		if (stat(paths[i], &st) < 0)
			return fprintf(stderr, "vmctl: backup: VM '%s': cannot read %s: %m\n",
				       sel[i]->name, paths[i]),
			       -errno;
		*total += (uint64_t)st.st_size;
		src[i] = (struct backup_source){ .name = sel[i]->name,
						 .props = sel[i]->props,
						 .n_props = sel[i]->n_props,
						 .volume_path = paths[i],
						 .firewall = firewalls[i] };
	}
	return 0;
}

static void remove_copies(char (*paths)[4096], const bool *copied, size_t n)
{
	for (size_t i = 0; paths && copied && i < n; i++)
		if (copied[i] && unlink(paths[i]) < 0 && errno != ENOENT)
			fprintf(stderr, "vmctl: backup: cannot remove the copy %s: %m\n", paths[i]);
}

static void report_create(const struct backup_cli_args *a, const struct backup_stats *s,
			  size_t n_vms)
{
	char read[32], stored[32], body[512];

	if (a->json)
		printf("{\"backup\": {\"id\": %" PRIu64 ", \"vms\": %zu, \"bytes_total\": %" PRIu64
		       ", \"bytes_read\": %" PRIu64 ", \"chunks\": %" PRIu64
		       ", \"new_chunks\": %" PRIu64 ", \"new_bytes_stored\": %" PRIu64
		       ", \"volumes_unchanged\": %" PRIu64 "}}\n",
		       s->seq, n_vms, s->bytes_total, s->bytes_read, s->chunks, s->new_chunks,
		       s->new_bytes_stored, s->volumes_unchanged);
	snprintf(body, sizeof(body),
		 "Backup #%" PRIu64 " of %zu VM%s in %s: %s read, %" PRIu64 " new chunks, %s "
		 "written",
		 s->seq, n_vms, n_vms == 1 ? "" : "s", a->dest,
		 backup_cli_format_bytes(read, sizeof(read), s->bytes_read), s->new_chunks,
		 backup_cli_format_bytes(stored, sizeof(stored), s->new_bytes_stored));
	if (!a->json)
		printf("%s\n", body);
	backup_cli_notify("Bulkhead: backup done", body);
}

static int do_create(const struct backup_cli_args *a, struct backup_source *src, size_t n,
		     uint64_t total)
{
	_cleanup_repo_ struct backup_repo *r = NULL;
	_cleanup_free_ char *policy = backup_cli_policy_dir();
	struct backup_cli_progress *p;
	struct backup_stats stats;
	int k = backup_cli_open(a, true, &r);

	if (k < 0)
		return VMCTL_EXIT_FAILURE;
	p = backup_cli_progress_new("backup", total, a->json);
	k = backup_create(r, src, n, policy, a->reread,
			  &(struct backup_progress){ backup_cli_progress_step, p }, &stats);
	backup_cli_progress_free(p);
	if (k < 0) {
		fprintf(stderr, "vmctl: backup: %s\n", backup_repo_error(r));
		backup_cli_notify("Bulkhead: backup failed", backup_repo_error(r));
		return VMCTL_EXIT_FAILURE;
	}
	report_create(a, &stats, n);
	return VMCTL_EXIT_OK;
}

static int run_create(const struct backup_cli_args *a)
{
	_cleanup_free_ struct backup_cli_vm *vms = NULL;
	_cleanup_free_ struct backup_cli_vm **sel = NULL;
	_cleanup_free_ struct backup_source *src = NULL;
	_cleanup_free_ char(*paths)[4096] = NULL;
	_cleanup_free_ bool *copied = NULL;
	_cleanup_free_ char **firewalls = NULL;
	size_t n = 0, n_sel = 0;
	uint64_t total;
	int r = VMCTL_EXIT_FAILURE;

	if (backup_vms_list(&vms, &n) < 0)
		return VMCTL_EXIT_FAILURE;
	sel = calloc(n + a->n_vms + 1, sizeof(*sel));
	src = calloc(n + a->n_vms + 1, sizeof(*src));
	paths = calloc(n + a->n_vms + 1, sizeof(*paths));
	copied = calloc(n + a->n_vms + 1, sizeof(*copied));
	firewalls = calloc(n + a->n_vms + 1, sizeof(*firewalls));
	if (sel && src && paths && copied && firewalls && select_vms(a, vms, n, sel, &n_sel) >= 0 &&
	    make_sources(sel, n_sel, src, paths, copied, firewalls, &total) >= 0)
		r = do_create(a, src, n_sel, total);
	remove_copies(paths, copied, n_sel);
	for (size_t i = 0; firewalls && i < n_sel; i++)
		free(firewalls[i]);
	return r;
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	putchar('"');
}

static void list_json_vm(const struct backup_vm *vm)
{
	printf("{\"name\": \"%s\", \"size\": %" PRIu64 ", \"properties\": {", vm->name,
	       vm->volume.size);
	for (size_t p = 0; p < vm->n_props; p++) {
		printf("%s\"%s\": ", p ? ", " : "", vm->props[p].key);
		print_json_string(vm->props[p].value);
	}
	printf("}}");
}

static void list_json(const struct backup_manifest *m, bool first)
{
	printf("%s{\"id\": %" PRIu64 ", \"time\": %" PRId64 ", \"vms\": [", first ? "" : ", ",
	       m->seq, m->time);
	for (size_t i = 0; i < m->n_vms; i++) {
		printf("%s", i ? ", " : "");
		list_json_vm(&m->vms[i]);
	}
	printf("], \"policy_files\": [");
	for (size_t i = 0; i < m->n_policies; i++)
		printf("%s\"%s\"", i ? ", " : "", m->policies[i].name);
	printf("]}");
}

static void list_text(const struct backup_manifest *m)
{
	char when[32], size[32];
	time_t t = (time_t)m->time;
	uint64_t total = 0;
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	for (size_t i = 0; i < m->n_vms; i++)
		total += m->vms[i].volume.size;
	printf("%-6" PRIu64 " %-19s  %-10s ", m->seq, when,
	       backup_cli_format_bytes(size, sizeof(size), total));
	for (size_t i = 0; i < m->n_vms; i++)
		printf("%s%s", i ? ", " : "", m->vms[i].name);
	printf("\n");
}

static int run_list(const struct backup_cli_args *a)
{
	_cleanup_repo_ struct backup_repo *r = NULL;
	int k = backup_cli_open(a, false, &r);

	if (k < 0)
		return VMCTL_EXIT_FAILURE;
	printf(a->json ? "{\"backups\": [" : "%-6s %-19s  %-10s %s\n", "ID", "DATE", "SIZE", "VMS");
	for (uint64_t s = 1; k >= 0 && s <= backup_repo_latest(r); s++) {
		struct backup_manifest *m = NULL;
		k = backup_manifest_load(r, s, &m);
		if (k >= 0 && a->json)
			list_json(m, s == 1);
		else if (k >= 0)
			list_text(m);
		backup_manifest_free(m);
	}
	if (a->json)
		printf("]}\n");
	if (k < 0)
		fprintf(stderr, "vmctl: backup: %s\n", backup_repo_error(r));
	return k < 0 ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

static int run_verify(const struct backup_cli_args *a)
{
	_cleanup_repo_ struct backup_repo *r = NULL;
	struct backup_blob all = { 0 };
	struct backup_cli_progress *p;
	char size[32];
	int k = backup_cli_open(a, false, &r);

	if (k < 0)
		return VMCTL_EXIT_FAILURE;
	k = backup_verify_collect(r, a->id, &all);
	p = k >= 0 ? backup_cli_progress_new("verify", all.size, a->json) : NULL;
	if (k >= 0)
		k = backup_blob_verify(r, &all,
				       &(struct backup_progress){ backup_cli_progress_step, p });
	backup_cli_progress_free(p);
	if (k < 0)
		fprintf(stderr, "vmctl: backup: verify failed: %s\n", backup_repo_error(r));
	else if (a->json)
		printf("{\"verified\": {\"backups\": %" PRIu64
		       ", \"chunks\": %zu, \"bytes\": %" PRIu64 "}}\n",
		       a->id ? 1 : backup_repo_latest(r), all.n_chunks, all.size);
	else
		printf("Verified %s%" PRIu64 ": %zu chunks, %s, all intact\n",
		       a->id ? "backup #" : "backups: ", a->id ? a->id : backup_repo_latest(r),
		       all.n_chunks, backup_cli_format_bytes(size, sizeof(size), all.size));
	backup_blob_finish(&all);
	return k < 0 ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

static int run_restore(const struct backup_cli_args *a)
{
	_cleanup_repo_ struct backup_repo *r = NULL;
	int k = backup_cli_open(a, false, &r);

	if (k < 0)
		return VMCTL_EXIT_FAILURE;
	return backup_cli_restore(a, r) < 0 ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

static const struct verb {
	const char *name;
	unsigned bit;
	int (*run)(const struct backup_cli_args *a);
} verbs[] = {
	{ "create", CREATE, run_create },
	{ "list", LIST, run_list },
	{ "verify", VERIFY, run_verify },
	{ "restore", RESTORE, run_restore },
};

static int run_backup(int argc, char **argv)
{
	struct backup_cli_args a = { .passphrase_fd = -1,
				     .kdf = { BACKUP_KDF_OPS_DEFAULT, BACKUP_KDF_MEMORY_DEFAULT } };

	if (argc < 2)
		return vmctl_usage_error(&vmctl_cmd_backup, "missing action");
	if (sodium_init() < 0) {
		fprintf(stderr, "vmctl: backup: libsodium does not initialise\n");
		return VMCTL_EXIT_FAILURE;
	}
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
		if (!streq(argv[1], verbs[i].name))
			continue;
		a.verb = verbs[i].name;
		if (parse(argc, argv, verbs[i].bit, &a) != VMCTL_EXIT_OK)
			return VMCTL_EXIT_USAGE;
		return verbs[i].run(&a);
	}
	return vmctl_usage_error(&vmctl_cmd_backup, "unknown action '%s'", argv[1]);
}

const struct vmctl_command vmctl_cmd_backup = {
	.name = "backup",
	.args = "create|list|verify|restore DEST [ID] [OPTIONS]",
	.summary = "Encrypted, incremental backups of VMs",
	.help = "  create [--vm VM]... DEST     back up VMs (all by default; a running one from a\n"
		"                               copy of one instant), their properties, firewall\n"
		"                               and your policy.d\n"
		"  list DEST [--json]           the backups in DEST\n"
		"  verify DEST [ID]             check every chunk of one backup, or of all\n"
		"  restore DEST [ID] [--vm VM]... [--rename-prefix P] [--no-policy]\n"
		"                               recreate VMs from backup ID (default: latest)\n"
		"Options:\n"
		"  --passphrase-file FILE, --passphrase-fd N   instead of the terminal prompt\n"
		"  --kdf-memory SIZE[K|M|G], --kdf-ops N       Argon2id cost of a new repository\n"
		"                               (default 256M, 3)\n"
		"  --reread                     read volumes even if unchanged since the last backup\n"
		"  --json                       JSON progress lines and result on stdout\n"
		"DEST: a directory, or vm:VM:/path in a backup VM (service bulkhead.Backup)\n"
		"See vmctl-backup(1).\n",
	.run = run_backup,
};
