/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkheadd: Bulkhead's manager. Owns the libvirt connection, serves org.bulkhead.Manager1 on
 * the session bus, and supervises each running VM's daemons. One thread, one loop:
 * libvirt's default event loop, which also carries the bus and the signals.
 *
 *   bulkheadd [--connect URI] [--state-dir DIR] [--runtime-dir DIR]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <dbus/dbus.h>

#include "config.h"
#include "hv.h"
#include "log.h"
#include "strutil.h"

struct options {
	const char *uri, *state_dir, *runtime_dir;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: bulkheadd [--connect URI] [--state-dir DIR] [--runtime-dir DIR]\n\n"
		   "Bulkhead's VM manager: serves org.bulkhead.Manager1 on the session bus.\n"
		   "Default URI: qemu:///embed?root=<state dir>/libvirt (no libvirt daemon).\n"
		   "Defaults can be set in $XDG_CONFIG_HOME/bulkhead/bulkheadd.conf:\n"
		   "  uri = ..., state_dir = ..., runtime_dir = ...\n");
}

/* 1 to run, 0 to exit successfully (--help), -EINVAL on a usage error. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = { { "connect", required_argument, NULL, 'c' },
						  { "state-dir", required_argument, NULL, 's' },
						  { "runtime-dir", required_argument, NULL, 'r' },
						  { "help", no_argument, NULL, 'h' },
						  { "version", no_argument, NULL, 'V' },
						  { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->uri = optarg;
			break;
		case 's':
			o->state_dir = optarg;
			break;
		case 'r':
			o->runtime_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("bulkheadd (Bulkhead) %s\n", BULKHEAD_VERSION);
			return 0;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 1;
}

/* The config file fills in what the command line and the environment left unset. */
static int apply_config_file(struct options *o, struct hv_config *cfg)
{
	char err[512] = "";
	int r = hv_config_load(cfg, err, sizeof(err));

	if (r < 0)
		return log_error_errno(r, "Bad configuration: %s", err);
	if (!o->uri && cfg->uri[0])
		o->uri = cfg->uri;
	/* The environment (docs/interfaces.md) is what every Bulkhead program reads: it wins. */
	if (!o->state_dir && cfg->state_dir[0] && !getenv("BULKHEAD_STATE_DIR"))
		o->state_dir = cfg->state_dir;
	if (!o->runtime_dir && cfg->runtime_dir[0] && !getenv("BULKHEAD_RUNTIME_DIR"))
		o->runtime_dir = cfg->runtime_dir;
	return 0;
}

static void on_signal(int watch, int fd, int events, void *opaque)
{
	struct bulkheadd *d = opaque;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			hv_supervisor_reap(d);
			continue;
		}
		log_info("Signal %u: exiting (VMs keep running)", si.ssi_signo);
		d->quit = true;
	}
}

/* Blocked before libvirt starts any thread, so every thread inherits the mask and only the
 * signalfd sees these. */
static int setup_signals(struct bulkheadd *d)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return log_error_errno(errno, "signalfd: %m");
	return virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE, on_signal, d, NULL) < 0 ? -EIO : 0;
}

static void libvirt_quiet(void *data, virErrorPtr err)
{
	/* Errors are reported once, by the caller, with the VM's name. */
}

static int run(struct bulkheadd *d)
{
	char log_outputs[HV_PATH_MAX + 32];
	int r;

	/* libvirt logs every failed lookup and probe as an error; those reach the user through
	 * bulkheadd's own messages, naming the VM. libvirt's go to a file beside its state. */
	if (str_printf(log_outputs, sizeof(log_outputs), "%s/libvirt", d->paths.state_dir) >= 0 &&
	    hv_mkdir_p(log_outputs, 0700) >= 0 &&
	    str_printf(log_outputs, sizeof(log_outputs), "3:file:%s/libvirt/libvirt.log",
		       d->paths.state_dir) >= 0)
		setenv("LIBVIRT_LOG_OUTPUTS", log_outputs, 0);
	if (virEventRegisterDefaultImpl() < 0)
		return log_error_errno(EIO, "Cannot set up libvirt's event loop");
	virSetErrorFunc(NULL, libvirt_quiet);
	r = setup_signals(d);
	if (r >= 0)
		r = hv_libvirt_open(d);
	if (r >= 0)
		r = hv_dbus_serve(d);
	if (r < 0)
		return r;
	hv_boot_files_init(d);
	hv_libvirt_adopt_running(d);
	if (hv_dispvm_init(d) < 0)
		log_warning("Disposable VMs are not available");
	log_info("Serving org.bulkhead.Manager1 (state %s, runtime %s)", d->paths.state_dir,
		 d->paths.runtime_dir);
	while (!d->quit)
		if (virEventRunDefaultImpl() < 0)
			return log_error_errno(EIO, "libvirt event loop: %s",
					       virGetLastErrorMessage());
	return 0;
}

static int setup_paths(struct bulkheadd *d, const struct options *o)
{
	int r = hv_paths_init(&d->paths, o->state_dir, o->runtime_dir, o->uri);

	if (r < 0 || hv_mkdir_p(d->paths.state_dir, 0700) < 0 ||
	    hv_mkdir_p(d->paths.runtime_dir, 0700) < 0)
		return log_error_errno(r < 0 ? r : EIO,
				       "Cannot set up the state dir '%s' and runtime dir '%s'",
				       d->paths.state_dir, d->paths.runtime_dir);
	return 0;
}

static void teardown(struct bulkheadd *d)
{
	hv_dispvm_finish(d);
	hv_boot_files_finish(d);
	hv_supervisor_stop_all(d);
	if (d->bus) {
		dbus_connection_close(d->bus);
		dbus_connection_unref(d->bus);
	}
	hv_libvirt_close(d);
}

int main(int argc, char **argv)
{
	static struct bulkheadd d = { .lifecycle_cb = -1,
				      .dispatch_timer = -1,
				      .dispvm_listen = -1,
				      .dispvm_watch = -1,
				      .dispvm_timer = -1,
				      .boot_inotify = -1,
				      .boot_watch = -1 };
	static struct hv_config cfg;
	struct options o = { 0 };
	int r;

	log_set_ident("bulkheadd");
	log_parse_environment();
	r = parse_args(argc, argv, &o);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	if (apply_config_file(&o, &cfg) < 0 || setup_paths(&d, &o) < 0)
		return 1;
	r = run(&d);
	teardown(&d);
	return r < 0 ? 1 : 0;
}
