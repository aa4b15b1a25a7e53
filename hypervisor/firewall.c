/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's firewall (docs/networking.md). The rules the user wrote live as text in the VM's
 * state dir, beside its volume, so they go where the VM goes and die with it. What net-filter
 * reads is a compiled copy in the runtime dir: DNS names resolved here, on the host, when the
 * rules are loaded (at VM start and at every change), as Qubes does; the guest never chooses
 * what a name means.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "hv.h"
#include "log.h"
#include "strutil.h"

#define FIREWALL_FILE "firewall"
#define RULES_FILE_MAX (NET_RULES_MAX * (NET_RULE_TEXT_MAX + 1))

static int source_path(struct bulkheadd *d, const char *name, char *buf, size_t size)
{
	char dir[HV_PATH_MAX];
	int r = hv_vm_state_dir(&d->paths, name, dir, sizeof(dir));

	return r < 0 ? r : str_printf(buf, size, "%s/" FIREWALL_FILE, dir);
}

/* No file yet: Qubes' default for a networked VM, everything allowed. */
static int load_source(struct bulkheadd *d, const char *name, struct net_ruleset *rs)
{
	_cleanup_free_ char *text = NULL;
	char path[HV_PATH_MAX];
	size_t line = 0;
	int r = source_path(d, name, path, sizeof(path));

	if (r >= 0)
		r = fd_read_file(AT_FDCWD, path, RULES_FILE_MAX, &text, NULL);
	if (r == -ENOENT)
		return net_rule_parse("allow *", &rs->rule[0]) < 0 ? -EINVAL : (int)(rs->n = 1);
	if (r >= 0)
		r = net_ruleset_parse(text, false, rs, &line);
	if (r < 0)
		return log_error_errno(r, "%s:%zu: cannot read the firewall: %m", path, line);
	return 0;
}

/* Written beside, then renamed: net-filter never reads half a file. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[HV_PATH_MAX + 8];
	_cleanup_close_ int fd = -1;
	int r = str_printf(tmp, sizeof(tmp), "%s.new", path);

	if (r < 0)
		return r;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = fd_write_all(fd, text, strlen(text));
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int hv_firewall_compile(struct bulkheadd *d, const char *name)
{
	static struct net_ruleset src, out; /* 100 KiB each; bulkheadd has one thread */
	_cleanup_free_ char *text = NULL;
	char path[HV_PATH_MAX];
	int r = load_source(d, name, &src);

	if (r < 0)
		src.n = 0; /* an unreadable firewall denies everything */
	r = net_ruleset_resolve(&src, &out, NULL);
	if (r == -EHOSTUNREACH)
		log_warning("VM %s: a deny rule names a host that does not resolve: denying "
			    "everything until it does",
			    name);
	r = net_ruleset_format(&out, &text);
	if (r >= 0)
		r = hv_vm_runtime_file(&d->paths, name, HV_NET_RULES, path, sizeof(path));
	if (r >= 0)
		r = write_atomic(path, text);
	if (r < 0)
		return log_error_errno(r, "VM %s: cannot write the compiled firewall: %m", name);
	return 0;
}

int hv_firewall_get(struct bulkheadd *d, const char *name, struct net_ruleset *rs,
		    struct hv_error *e)
{
	int r = hv_vm_get(d, name, NULL, NULL, e);

	if (r < 0)
		return r;
	if (load_source(d, name, rs) < 0)
		return hv_error_set(e, -EIO, "VM '%s': cannot read its firewall", name);
	return 0;
}

static int parse_all(const char *name, const char *const *rules, size_t n, struct net_ruleset *rs,
		     struct hv_error *e)
{
	if (n > NET_RULES_MAX)
		return hv_error_set(e, -EINVAL, "VM '%s': more than %d firewall rules", name,
				    NET_RULES_MAX);
	for (size_t i = 0; i < n; i++)
		if (net_rule_parse(rules[i], &rs->rule[i]) < 0)
			return hv_error_set(e, -EINVAL, "VM '%s': invalid firewall rule '%s'", name,
					    rules[i]);
	rs->n = n;
	return 0;
}

int hv_firewall_set(struct bulkheadd *d, const char *name, const char *const *rules, size_t n,
		    struct hv_error *e)
{
	static struct net_ruleset rs;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	_cleanup_free_ char *text = NULL;
	char path[HV_PATH_MAX];
	int r = hv_vm_get(d, name, &dom, NULL, e);

	if (r >= 0)
		r = parse_all(name, rules, n, &rs, e);
	if (r < 0)
		return r;
	r = net_ruleset_format(&rs, &text);
	if (r >= 0)
		r = source_path(d, name, path, sizeof(path));
	if (r >= 0)
		r = write_atomic(path, text);
	if (r < 0)
		return hv_error_set(e, -EIO, "VM '%s': cannot save its firewall: %s", name,
				    strerror(-r));
	log_info("VM %s: firewall set, %zu rules", name, n);
	if (virDomainIsActive(dom) == 1 && hv_firewall_compile(d, name) >= 0)
		hv_supervisor_reload_filter(d, name);
	return 0;
}
