/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disposable VMs. A disposable template is an AppVM with template_for_dispvms; a disposable,
 * "disp<N>" with a random N, is a transient libvirt domain (nothing of it is ever defined)
 * whose private volume is a throw-away qcow2 overlay of the template's. Its qrexec-daemon runs
 * with --disposable and exits when the disposable's last call has ended; bulkheadd then
 * destroys the domain, and when libvirt reports it stopped, removes every file it had.
 *
 * The pool: for each disposable template, preload_dispvm_max disposables are started ahead,
 * paused once their agent has answered (the daemon's <vm>.ready file) and their GUI is
 * connected (guid's --ready-fd), and resumed when taken, so a request costs a resume rather
 * than a boot. The pool shrinks when the host runs short of memory and is drained before its
 * template starts (they share its volume).
 *
 * Who may ask: <runtime>/dispvm.sock (0600 in the private runtime dir, same uid checked), one
 * line "TEMPLATE\n" answered by "OK NAME\n" or "ERR reason\n": the qrexec daemons for
 * "@dispvm:X" targets and `vmctl run --dispvm`. It can only ever start disposables. The print
 * filter asks "TEMPLATE hold" and keeps the connection: its end destroys that disposable,
 * so a job's renderer never outlives the job, however it ends (qrexec/dispvm-client.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "fdio.h"
#include "hv.h"
#include "log.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

#define POOL_TICK_MS 500
/* A pool refill waits this long after a disposable was taken: under TCG a booting VM keeps a
 * core busy for seconds, and the disposable just taken is starting what its user waits for. */
#define REFILL_DELAY_MS 4000
/* Room kept free for the host and for VMs the user starts: the pool never eats into it. */
#define POOL_RESERVE_MIB 2048
#define DAEMON_SOCKET_WAIT_MS 5000
#define MARKER "disposable"

static struct hv_dispvm *find(struct bulkheadd *d, const char *name)
{
	for (size_t i = 0; i < HV_DISPVM_MAX; i++)
		if (d->dispvms[i].name[0] && streq(d->dispvms[i].name, name))
			return &d->dispvms[i];
	return NULL;
}

static struct hv_dispvm *add(struct bulkheadd *d, const char *name, const char *template_name)
{
	struct hv_dispvm *v = NULL;

	for (size_t i = 0; !v && i < HV_DISPVM_MAX; i++)
		if (!d->dispvms[i].name[0])
			v = &d->dispvms[i];
	if (!v)
		return NULL;
	*v = (struct hv_dispvm){ .hold_fd = -1, .hold_watch = -1 };
	str_copy(v->name, sizeof(v->name), name);
	str_copy(v->template_name, sizeof(v->template_name), template_name);
	return v;
}

/* disp1 .. disp9999, one no VM has: random, so a gone disposable's name says nothing. */
static int pick_name(struct bulkheadd *d, char *name, size_t size)
{
	for (int tries = 0; tries < 100; tries++) {
		uint32_t n = 0;
		if (getrandom(&n, sizeof(n), 0) != (ssize_t)sizeof(n))
			return -EIO;
		str_printf(name, size, "disp%u", 1 + n % 9999);
		_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, name);
		char dir[HV_PATH_MAX];
		if (!dom && hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) >= 0 &&
		    access(dir, F_OK) < 0)
			return 0;
	}
	return -EEXIST;
}

/* The template: an AppVM marked for disposables, halted (its volume is their base). */
static int check_template(struct bulkheadd *d, const char *name, struct vm_props *tpl,
			  struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	int r = hv_vm_get(d, name, &dom, tpl, e);

	if (r < 0)
		return r;
	if (tpl->klass != VM_CLASS_APPVM || !tpl->template_for_dispvms)
		return hv_error_set(e, -EINVAL,
				    "VM '%s' is not a disposable template "
				    "(vmctl prefs %s template_for_dispvms true)",
				    name, name);
	if (virDomainIsActive(dom) == 1)
		return hv_error_set(e, -EBUSY,
				    "VM '%s' is running: its disposables start from "
				    "its private volume, shut it down first",
				    name);
	return 0;
}

static int make_overlay(struct bulkheadd *d, const char *tpl, const char *name)
{
	char dir[HV_PATH_MAX], tdir[HV_PATH_MAX], base[HV_PATH_MAX + 16], vol[HV_PATH_MAX + 16],
		mark[HV_PATH_MAX + 16];
	int r = hv_vm_state_dir(&d->paths, tpl, tdir, sizeof(tdir));

	if (r >= 0)
		r = hv_vm_state_dir(&d->paths, name, dir, sizeof(dir));
	if (r >= 0)
		r = hv_mkdir_p(dir, 0700);
	if (r >= 0)
		r = str_printf(mark, sizeof(mark), "%s/" MARKER, dir);
	if (r >= 0)
		r = fd_write_file_atomic(mark, tpl, strlen(tpl), 0600);
	if (r >= 0)
		r = str_printf(vol, sizeof(vol), "%s/private.qcow2", dir);
	if (r >= 0)
		r = str_printf(base, sizeof(base), "%s/private.qcow2", tdir);
	return r < 0 ? r
		     : hv_run((const char *const[]){ "qemu-img", "create", "-q", "-f", "qcow2",
						     "-F", "qcow2", "-b", base, vol, NULL });
}

static void disposable_props(const struct vm_props *tpl, const char *name, struct vm_props *p)
{
	vm_props_init(p, name);
	p->klass = VM_CLASS_DISPVM;
	str_copy(p->label, sizeof(p->label), tpl->label);
	str_copy(p->template_name, sizeof(p->template_name), tpl->name);
	str_copy(p->default_dispvm, sizeof(p->default_dispvm), tpl->default_dispvm);
	p->memory_mib = tpl->memory_mib;
	p->vcpus = tpl->vcpus;
}

static int boot(struct bulkheadd *d, const struct vm_props *p, struct hv_error *e)
{
	struct hv_host_files files;
	_cleanup_free_ char *xml = NULL;
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	char rdir[HV_PATH_MAX];

	if (hv_host_prepare_boot(&d->paths, &files) < 0 ||
	    hv_vm_runtime_dir(&d->paths, p->name, rdir, sizeof(rdir)) < 0 ||
	    hv_mkdir_p(rdir, 0700) < 0)
		return hv_error_set(e, -EIO, "Cannot prepare disposable %s", p->name);
	hv_boot_files_copy(&d->paths, p->name, &files);
	if (hv_host_domain_xml(&d->paths, &files, p, NULL, &xml) < 0)
		return hv_error_set(e, -EIO, "Cannot prepare disposable %s", p->name);
	dom = virDomainCreateXML(d->conn, xml, 0);
	if (!dom)
		return hv_error_set(e, -EIO, "Cannot start disposable %s: %s", p->name,
				    virGetLastErrorMessage());
	hv_boot_files_started(&d->paths, p->name);
	hv_supervisor_vm_started(d, p->name, p->label, true);
	return 0;
}

static void remove_files(struct bulkheadd *d, const char *name)
{
	char dir[HV_PATH_MAX];

	if (hv_vm_state_dir(&d->paths, name, dir, sizeof(dir)) >= 0)
		hv_rm_rf(dir);
	if (hv_vm_runtime_dir(&d->paths, name, dir, sizeof(dir)) >= 0)
		hv_rm_rf(dir);
}

/* Cold: overlay, transient domain, its daemons. */
static int start_new(struct bulkheadd *d, const char *template_name, bool preload, char *name,
		     size_t size, struct hv_error *e)
{
	struct vm_props tpl, p;
	int r = check_template(d, template_name, &tpl, e);

	if (r >= 0)
		disposable_props(&tpl, "disp0", &p);
	if (r >= 0)
		r = hv_vm_check_memory(&p, e);
	if (r >= 0 && pick_name(d, name, size) < 0)
		r = hv_error_set(e, -EEXIST, "No free name for a disposable");
	if (r < 0)
		return r;
	str_copy(p.name, sizeof(p.name), name);
	if (make_overlay(d, template_name, name) < 0)
		r = hv_error_set(e, -EIO, "Cannot make the volume of disposable %s", name);
	if (r >= 0)
		r = boot(d, &p, e);
	if (r < 0)
		return remove_files(d, name), r;
	add(d, name, template_name)->preload = preload;
	log_info("Started disposable %s from %s%s", name, template_name,
		 preload ? " (preloading)" : "");
	return 0;
}

static struct hv_dispvm *pooled(struct bulkheadd *d, const char *template_name, bool paused)
{
	for (size_t i = 0; i < HV_DISPVM_MAX; i++) {
		struct hv_dispvm *v = &d->dispvms[i];
		if (v->name[0] && v->preload && v->paused == paused &&
		    streq(v->template_name, template_name))
			return v;
	}
	return NULL;
}

int hv_dispvm_take(struct bulkheadd *d, const char *template_name, char *name, size_t size,
		   struct hv_error *e)
{
	/* A paused one is ready; one still booting is closer to ready than a new one. */
	struct hv_dispvm *v = pooled(d, template_name, true) ?: pooled(d, template_name, false);
	_cleanup_(virDomainFreep) virDomainPtr dom =
		v ? virDomainLookupByName(d->conn, v->name) : NULL;
	int r;

	if (v && dom && (!v->paused || virDomainResume(dom) == 0)) {
		log_info("Took preloaded disposable %s of %s%s", v->name, template_name,
			 v->paused ? "" : " (still booting)");
		v->preload = v->paused = false;
		r = str_copy(name, size, v->name);
	} else {
		r = start_new(d, template_name, false, name, size, e);
	}
	d->dispvm_refill_ticks = REFILL_DELAY_MS / POOL_TICK_MS;
	return r;
}

void hv_dispvm_destroy(struct bulkheadd *d, const char *name)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, name);

	log_info("Disposable %s is done: destroying it", name);
	if (dom && virDomainDestroy(dom) < 0)
		log_error("Cannot destroy disposable %s: %s", name, virGetLastErrorMessage());
}

static void release_hold(struct hv_dispvm *v)
{
	if (v->hold_watch >= 0)
		virEventRemoveHandle(v->hold_watch);
	v->hold_watch = -1;
	v->hold_fd = safe_close(v->hold_fd);
}

void hv_dispvm_stopped(struct bulkheadd *d, const char *name)
{
	struct hv_dispvm *v = find(d, name);

	if (!v)
		return;
	release_hold(v);
	remove_files(d, name);
	log_info("Disposable %s is gone", name);
	v->name[0] = '\0';
	hv_dispvm_pool_refill(d);
}

void hv_dispvm_adopt(struct bulkheadd *d, const struct vm_props *p)
{
	struct hv_dispvm *v;

	if (p->klass != VM_CLASS_DISPVM || find(d, p->name) || !hv_dispvm_is_transient(d, p->name))
		return;
	v = add(d, p->name, p->template_name);
	/* Its pool state died with the old bulkheadd: a running one is someone's, a paused one
	 * nobody's. */
	if (v)
		v->preload = false;
}

static size_t pool_size(struct bulkheadd *d, const char *template_name)
{
	size_t n = 0;

	for (size_t i = 0; i < HV_DISPVM_MAX; i++)
		n += d->dispvms[i].name[0] && d->dispvms[i].preload &&
		     streq(d->dispvms[i].template_name, template_name);
	return n;
}

/* One preloaded disposable goes, the least ready first: when the pool is over its size, or
 * when the host can no longer afford it. */
static void drop_one(struct bulkheadd *d, const char *template_name, const char *why)
{
	struct hv_dispvm *v = pooled(d, template_name, false);

	if (!v)
		v = pooled(d, template_name, true);
	if (!v)
		return;
	log_notice("Dropping preloaded disposable %s: %s", v->name, why);
	v->preload = false;
	hv_dispvm_destroy(d, v->name);
}

static void refill_one(struct bulkheadd *d, const struct vm_props *tpl, virDomainPtr dom)
{
	char name[VM_NAME_MAX + 1];
	struct hv_error e = { 0 };
	size_t have = pool_size(d, tpl->name),
	       want = tpl->template_for_dispvms && tpl->klass == VM_CLASS_APPVM &&
				      virDomainIsActive(dom) != 1
			      ? tpl->preload_dispvm_max
			      : 0;

	if (have > want)
		return drop_one(d, tpl->name, "more than preload_dispvm_max");
	if (have > 0 && hv_mem_available_mib() < POOL_RESERVE_MIB)
		return drop_one(d, tpl->name, "the host is short of memory");
	if (have == want || hv_mem_available_mib() < POOL_RESERVE_MIB + tpl->memory_mib)
		return;
	if (start_new(d, tpl->name, true, name, sizeof(name), &e) < 0)
		log_warning("Cannot preload a disposable of %s: %s", tpl->name, e.message);
}

void hv_dispvm_pool_refill(struct bulkheadd *d)
{
	struct hv_vm_entry *list = NULL;
	size_t n = 0;

	if (hv_vm_list(d, &list, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		refill_one(d, &list[i].props, list[i].dom);
	hv_vm_list_free(list, n);
}

int hv_dispvm_drain(struct bulkheadd *d, const char *template_name, struct hv_error *e)
{
	for (size_t i = 0; i < HV_DISPVM_MAX; i++) {
		struct hv_dispvm *v = &d->dispvms[i];
		if (!v->name[0] || !streq(v->template_name, template_name))
			continue;
		if (!v->preload)
			return hv_error_set(e, -EBUSY,
					    "Disposable %s of '%s' is in use: VM '%s' can "
					    "start when it is gone",
					    v->name, template_name, template_name);
		v->preload = false;
		hv_dispvm_destroy(d, v->name);
	}
	return 0;
}

/* Preloaded, its agent answered and its GUI is connected: pause it until someone takes it.
 * Waiting for the GUI too means a taken disposable's first window costs no X server start and
 * no guid handshake, which under TCG are seconds. */
static void pause_if_ready(struct bulkheadd *d, struct hv_dispvm *v)
{
	char ready[HV_PATH_MAX];
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;

	if (str_printf(ready, sizeof(ready), "%s/qrexec/%s.ready", d->paths.runtime_dir, v->name) <
		    0 ||
	    access(ready, F_OK) < 0 || !hv_supervisor_gui_ready(d, v->name))
		return;
	dom = virDomainLookupByName(d->conn, v->name);
	if (dom && virDomainSuspend(dom) == 0) {
		v->paused = true;
		log_info("Preloaded disposable %s of %s is ready (paused)", v->name,
			 v->template_name);
	}
}

static void on_tick(int timer, void *opaque)
{
	struct bulkheadd *d = opaque;
	static unsigned ticks;

	for (size_t i = 0; i < HV_DISPVM_MAX; i++)
		if (d->dispvms[i].name[0] && d->dispvms[i].preload && !d->dispvms[i].paused)
			pause_if_ready(d, &d->dispvms[i]);
	/* Every 10 s: the host's memory may have changed, and with it what the pool may hold. */
	if (d->dispvm_refill_ticks > 0 && --d->dispvm_refill_ticks == 0)
		hv_dispvm_pool_refill(d);
	else if (++ticks % (10000 / POOL_TICK_MS) == 0 && d->dispvm_refill_ticks == 0)
		hv_dispvm_pool_refill(d);
}

/* The new disposable's daemon makes its socket a moment after it is spawned. */
static void wait_daemon_socket(struct bulkheadd *d, const char *name)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	char path[HV_PATH_MAX];

	if (str_printf(path, sizeof(path), "%s/qrexec/%s.sock", d->paths.runtime_dir, name) < 0)
		return;
	for (int i = 0; i < DAEMON_SOCKET_WAIT_MS / 10 && access(path, F_OK) < 0; i++)
		nanosleep(&tick, NULL);
}

/* "" asks for the host's default: the disposable template, if there is exactly one. */
static int default_template(struct bulkheadd *d, char *name, size_t size, struct hv_error *e)
{
	struct hv_vm_entry *list = NULL;
	size_t n = 0, found = 0;

	if (hv_vm_list(d, &list, &n) < 0)
		return hv_error_set(e, -EIO, "Cannot list the VMs");
	for (size_t i = 0; i < n; i++)
		if (list[i].props.template_for_dispvms && found++ == 0)
			str_copy(name, size, list[i].props.name);
	hv_vm_list_free(list, n);
	if (found == 1)
		return 0;
	return hv_error_set(e, -ENOENT,
			    found ? "There are %zu disposable templates: name one"
				  : "No VM is a disposable template "
				    "(vmctl prefs VM template_for_dispvms true)",
			    found);
}

static bool peer_is_us(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid();
}

/* The holder's end (or anything it sends: it has nothing to say) destroys its disposable,
 * whatever still runs in it. */
static void on_hold_event(int watch, int fd, int events, void *opaque)
{
	struct bulkheadd *d = opaque;

	for (size_t i = 0; i < HV_DISPVM_MAX; i++) {
		struct hv_dispvm *v = &d->dispvms[i];
		if (!v->name[0] || v->hold_watch != watch)
			continue;
		release_hold(v);
		log_info("The holder of disposable %s let it go", v->name);
		return hv_dispvm_destroy(d, v->name);
	}
}

static void hold(struct bulkheadd *d, const char *name, int *fd)
{
	struct hv_dispvm *v = find(d, name);

	if (!v)
		return;
	v->hold_watch = virEventAddHandle(*fd, VIR_EVENT_HANDLE_READABLE, on_hold_event, d, NULL);
	if (v->hold_watch >= 0)
		v->hold_fd = TAKE_FD(*fd);
}

/* "TEMPLATE" or "TEMPLATE hold": the template into line, whether held into *held. */
static bool parse_request(char *line, bool *held)
{
	char *sp = strchr(line, ' ');

	*held = sp && streq(sp, " hold");
	if (*held)
		*sp = '\0';
	return !sp || *held;
}

/* One request per connection; the client wrote its line at once, so a short wait is enough.
 * A held request's connection is kept (fd taken). */
static void serve(struct bulkheadd *d, int *fd)
{
	struct timeval tv = { .tv_sec = 2 };
	char line[VM_NAME_MAX + 8] = "", name[VM_NAME_MAX + 1], reply[600];
	struct hv_error e = { 0 };
	bool held = false;
	ssize_t n;

	setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(*fd, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (!parse_request(line, &held))
		hv_error_set(&e, -EINVAL, "not a request");
	else if (!line[0] && default_template(d, line, sizeof(line), &e) < 0)
		; /* e says why */
	else if (!vm_name_is_valid(line))
		hv_error_set(&e, -EINVAL, "not a VM name");
	else if (hv_dispvm_take(d, line, name, sizeof(name), &e) >= 0)
		wait_daemon_socket(d, name);
	if (e.code < 0)
		str_printf(reply, sizeof(reply), "ERR %s\n", e.message);
	else
		str_printf(reply, sizeof(reply), "OK %s\n", name);
	if (fd_write_all(*fd, reply, strlen(reply)) >= 0 && e.code >= 0 && held)
		hold(d, name, fd);
}

static void on_accept(int watch, int listen_fd, int events, void *opaque)
{
	struct bulkheadd *d = opaque;
	_cleanup_close_ int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0 && peer_is_us(fd))
		serve(d, &fd);
}

/* Disposables whose domain is gone (bulkheadd or the host stopped meanwhile): their files. */
static void remove_leftovers(struct bulkheadd *d)
{
	char vms[HV_PATH_MAX], mark[HV_PATH_MAX];
	_cleanup_(closedirp) DIR *dir = NULL;
	struct dirent *de;

	if (str_printf(vms, sizeof(vms), "%s/vms", d->paths.state_dir) < 0 || !(dir = opendir(vms)))
		return;
	while ((de = readdir(dir))) {
		_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
		if (!vm_name_is_valid(de->d_name) ||
		    str_printf(mark, sizeof(mark), "%s/%s/" MARKER, vms, de->d_name) < 0 ||
		    access(mark, F_OK) < 0 || find(d, de->d_name))
			continue;
		dom = virDomainLookupByName(d->conn, de->d_name);
		if (!dom || virDomainIsActive(dom) != 1) {
			log_info("Removing what is left of disposable %s", de->d_name);
			remove_files(d, de->d_name);
		}
	}
}

int hv_dispvm_init(struct bulkheadd *d)
{
	char path[HV_PATH_MAX];

	d->dispvm_watch = d->dispvm_timer = -1;
	remove_leftovers(d);
	if (str_printf(path, sizeof(path), "%s/dispvm.sock", d->paths.runtime_dir) < 0)
		return -ENAMETOOLONG;
	d->dispvm_listen = channel_listen(path);
	if (d->dispvm_listen < 0)
		return log_error_errno(d->dispvm_listen, "Cannot listen on %s: %m", path);
	d->dispvm_watch =
		virEventAddHandle(d->dispvm_listen, VIR_EVENT_HANDLE_READABLE, on_accept, d, NULL);
	d->dispvm_timer = virEventAddTimeout(POOL_TICK_MS, on_tick, d, NULL);
	hv_dispvm_pool_refill(d);
	return d->dispvm_watch < 0 || d->dispvm_timer < 0 ? -EIO : 0;
}

void hv_dispvm_finish(struct bulkheadd *d)
{
	char path[HV_PATH_MAX];

	if (d->dispvm_watch >= 0)
		virEventRemoveHandle(d->dispvm_watch);
	if (d->dispvm_timer >= 0)
		virEventRemoveTimeout(d->dispvm_timer);
	for (size_t i = 0; i < HV_DISPVM_MAX; i++)
		if (d->dispvms[i].name[0])
			release_hold(&d->dispvms[i]);
	d->dispvm_listen = safe_close(d->dispvm_listen);
	if (str_printf(path, sizeof(path), "%s/dispvm.sock", d->paths.runtime_dir) >= 0)
		unlink(path);
}

int hv_dispvm_check_named(struct bulkheadd *d, const struct vm_props *p, struct hv_error *e)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = NULL;
	struct vm_props tpl;
	int r = hv_vm_get(d, p->template_name, &dom, &tpl, e);

	if (r < 0)
		return r;
	if (tpl.klass != VM_CLASS_APPVM || !tpl.template_for_dispvms)
		return hv_error_set(e, -EINVAL, "VM '%s': '%s' is not a disposable template",
				    p->name, p->template_name);
	return 0;
}

int hv_dispvm_fresh_volume(struct bulkheadd *d, const struct vm_props *p, struct hv_error *e)
{
	struct vm_props tpl;
	char dir[HV_PATH_MAX], vol[HV_PATH_MAX + 16];
	int r = check_template(d, p->template_name, &tpl, e);

	if (r < 0)
		return r;
	if (hv_vm_state_dir(&d->paths, p->name, dir, sizeof(dir)) >= 0 &&
	    str_printf(vol, sizeof(vol), "%s/private.qcow2", dir) >= 0)
		unlink(vol);
	r = make_overlay(d, p->template_name, p->name);
	if (r >= 0 && str_printf(vol, sizeof(vol), "%s/" MARKER, dir) >= 0)
		unlink(vol); /* a named disposable's files stay between starts */
	return r < 0 ? hv_error_set(e, -EIO, "Cannot make a fresh volume for VM '%s'", p->name) : 0;
}

bool hv_dispvm_is_transient(struct bulkheadd *d, const char *name)
{
	_cleanup_(virDomainFreep) virDomainPtr dom = virDomainLookupByName(d->conn, name);

	return find(d, name) || (dom && virDomainIsPersistent(dom) == 0);
}
