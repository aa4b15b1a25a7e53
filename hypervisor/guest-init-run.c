/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest init's processes: start the agents, reap, restart, and power off on request. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/input.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest-init.h"

#define MAX_RESTARTS 5
#define MAX_INPUTS 8

/* The qrexec agent's: it runs as root and gives what it starts the user's identity (HOME,
 * USER, XDG_RUNTIME_DIR) itself, and the VM's display, so that a GUI application started by
 * `vmctl run` or from the host's menu appears on it. */
static const char *const service_env[] = {
	"PATH=" INIT_GUEST_DIR "/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
	"HOME=/root",
	"LANG=C.UTF-8",
	"DISPLAY=:0",
	"BULKHEAD_RUNTIME_DIR=/run/bulkhead",
	"XDG_DATA_DIRS=/etc/bulkhead/xdg-data:/usr/local/share:/usr/share",
	"BROWSER=vm-open-url",
	NULL,
};

/* The VM's user session: its X display and runtime dir (Xvfb, gui-agent, what they start). */
static const char *const user_env[] = {
	"PATH=" INIT_GUEST_DIR "/bin:/usr/local/bin:/usr/bin:/bin",
	"HOME=/home/user",
	"USER=user",
	"LOGNAME=user",
	"LANG=C.UTF-8",
	"DISPLAY=:0",
	"XDG_RUNTIME_DIR=/run/user/1000",
	"BULKHEAD_RUNTIME_DIR=/run/bulkhead",
	"XDG_DATA_DIRS=/etc/bulkhead/xdg-data:/usr/local/share:/usr/share",
	"BROWSER=vm-open-url",
	NULL,
};

/* systemd's socket activation, which cupsd -l understands: the socket as fd 3, LISTEN_FDS=1
 * and LISTEN_PID naming the process that gets it. */
static _Noreturn void exec_on_demand(struct init_service *s)
{
	const char *env[sizeof(service_env) / sizeof(service_env[0]) + 2];
	char pid[32];
	size_t n = 0;

	if (s->listen_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(s->listen_fd, 3) < 0)
		_exit(126);
	snprintf(pid, sizeof(pid), "LISTEN_PID=%d", (int)getpid());
	for (; service_env[n]; n++)
		env[n] = service_env[n];
	env[n++] = "LISTEN_FDS=1";
	env[n++] = pid;
	env[n] = NULL;
	execve(s->argv[0], s->argv, (char *const *)env);
	init_log("exec %s: %s", s->argv[0], strerror(errno));
	_exit(127);
}

static void child_exec(struct init_service *s)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	/* Waiting here, in the child, keeps init free to reap while Xvfb comes up. */
	if (s->wait_for && !init_wait_path(s->wait_for, 60000))
		init_log("%s: %s did not appear", s->what, s->wait_for);
	if (s->as_user && (setgroups(0, NULL) < 0 || setgid(INIT_USER_UID) < 0 ||
			   setuid(INIT_USER_UID) < 0 || chdir("/home/user") < 0))
		_exit(126);
	if (s->on_demand)
		exec_on_demand(s);
	execve(s->argv[0], s->argv, (char *const *)(s->as_user ? user_env : service_env));
	init_log("exec %s: %s", s->argv[0], strerror(errno));
	_exit(127);
}

static void spawn(struct init_service *s)
{
	s->pid = fork();
	if (s->pid == 0)
		child_exec(s);
	if (s->pid < 0)
		init_log("fork for %s: %s", s->what, strerror(errno));
	else
		init_log("started %s (pid %d)", s->what, (int)s->pid);
}

/* argv from a NULL-terminated list of words; the first is the program. */
static struct init_service *add_service(struct init_config *cfg, const char *what,
					const char *const *words)
{
	struct init_service *s = &cfg->svc[cfg->n_svc++];
	int n = 0;

	s->what = what;
	for (; n < INIT_ARGS_MAX && words[n]; n++) {
		snprintf(s->argv_buf[n], INIT_PATH_MAX, "%s", words[n]);
		s->argv[n] = s->argv_buf[n];
	}
	s->argv[n] = NULL;
	return s;
}

static bool sysfs_id_is(const char *dir, const char *file, const char *want)
{
	char path[INIT_PATH_MAX], buf[16] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return k > 0 && strncmp(buf, want, strlen(want)) == 0;
}

/* The ivshmem device's BAR 2 (the region of window pixels shared with guid) becomes the user's,
 * who runs gui-agent and the X server that maps it (gui-agent --shm auto). */
static void share_gui_region(void)
{
	static const char *const bars[] = { "resource2", "resource2_wc" };
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char dir[INIT_PATH_MAX], path[INIT_PATH_MAX + 16];

	while (d && (e = readdir(d))) {
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (e->d_name[0] == '.' || !sysfs_id_is(dir, "vendor", "0x1af4") ||
		    !sysfs_id_is(dir, "device", "0x1110"))
			continue;
		for (size_t i = 0; i < sizeof(bars) / sizeof(bars[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, bars[i]);
			if (chown(path, INIT_USER_UID, INIT_USER_UID) < 0 && errno != ENOENT)
				init_log("chown %s: %s", path, strerror(errno));
		}
	}
	if (d)
		closedir(d);
}

/* The VM's own display and the agent that mirrors it to the host's guid. */
static void start_gui(struct init_config *cfg)
{
	struct init_service *s;

	if (strcmp(cfg->gui, "1") != 0)
		return;
	if (access(INIT_GUI_AGENT, X_OK) < 0)
		return init_log("no %s: no display in this VM", INIT_GUI_AGENT);
	s = add_service(cfg, "Xvfb",
			(const char *const[]){ "/usr/bin/Xvfb", ":0", "-nolisten", "tcp", "-screen",
					       "0", "1920x1080x24", NULL });
	s->as_user = true;
	spawn(s);
	share_gui_region();
	s = add_service(cfg, "gui-agent",
			(const char *const[]){ INIT_GUI_AGENT, "--channel", INIT_GUI_PORT,
					       "--display", ":0", "--shm", "auto", NULL });
	s->as_user = true;
	s->wait_for = "/tmp/.X11-unix/X0";
	spawn(s);
}

/* cupsd on demand: under TCG every CPU second at boot counts, and most VMs print rarely.
 * Init listens on its socket and starts it for the first client (init_supervise). Not in a
 * disposable, which is started for one job; vm-print works there without a cupsd. */
static void start_cups(struct init_config *cfg)
{
	int fd;

	if (!init_have_cups() || strcmp(cfg->disposable, "1") == 0 || (fd = init_cups_listen()) < 0)
		return;
	cfg->cups = add_service(cfg, "cupsd",
				(const char *const[]){ "/usr/sbin/cupsd", "-l", "-c",
						       "/etc/cups/cupsd.conf", "-s",
						       "/etc/cups/cups-files.conf", NULL });
	cfg->cups->on_demand = true;
	cfg->cups->listen_fd = fd;
}

/* A VM without its private volume answers, so the host sees it up and `vmctl run` gets the
 * reason, but runs nothing: no service, no display, no printing. */
static void start_refusing_agent(struct init_config *cfg)
{
	spawn(add_service(cfg, "qrexec-agent",
			  (const char *const[]){ INIT_QREXEC_AGENT, "--channel", INIT_QREXEC_PORT,
						 "--user", "user", "--refuse", cfg->home_error,
						 NULL }));
}

void init_start_services(struct init_config *cfg)
{
	/* The agents' runtime dirs: root's for qrexec-agent (its socket for guest programs is
	 * made accessible by the agent itself), the user's for X and the session. */
	init_mkdir_p("/run/bulkhead", 0755);
	/* common/paths.h's BULKHEAD_DISPOSABLE_MARK, for the guest's services. */
	if (strcmp(cfg->disposable, "1") == 0)
		init_write_file("/run/bulkhead/disposable", "1\n", 0644);
	init_mkdir_p("/run/user/1000", 0700);
	if (chown("/run/user/1000", INIT_USER_UID, INIT_USER_UID) < 0)
		init_log("chown /run/user/1000 failed");

	/* --user: services and commands run as the VM's user; the host may still ask for root
	 * for one command (vmctl run -u root). */
	cfg->have_agent = access(INIT_QREXEC_AGENT, X_OK) == 0;
	if (!cfg->have_agent)
		init_log("no %s", INIT_QREXEC_AGENT);
	else if (cfg->home_error[0])
		return start_refusing_agent(cfg);
	else
		spawn(add_service(cfg, "qrexec-agent",
				  (const char *const[]){ INIT_QREXEC_AGENT, "--channel",
							 INIT_QREXEC_PORT, "--user", "user",
							 NULL }));
	start_gui(cfg);
	start_cups(cfg);
}

/* Without an agent, the host still learns the guest came up: one line on the qrexec port. */
void init_announce_ready(const struct init_config *cfg)
{
	char line[128];
	int fd;

	if (cfg->have_agent)
		return;
	/* The write blocks until the host end connects: a child waits for that, init does not. */
	if (fork() != 0)
		return;
	fd = open(INIT_QREXEC_PORT, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		init_log("open %s: %s", INIT_QREXEC_PORT, strerror(errno));
		_exit(1);
	}
	snprintf(line, sizeof(line), "bulkhead-init ready %s\n", cfg->name);
	if (write(fd, line, strlen(line)) < 0)
		init_log("write %s: %s", INIT_QREXEC_PORT, strerror(errno));
	_exit(0);
}

static void reap(struct init_config *cfg)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < cfg->n_svc; i++) {
			struct init_service *s = &cfg->svc[i];
			if (s->pid != pid)
				continue;
			init_log("%s exited (status %d)", s->what, status);
			s->pid = 0;
			if (s->on_demand)
				continue; /* idle: the next client starts it again */
			if (s->restarts++ < MAX_RESTARTS) {
				sleep(1);
				spawn(s);
			}
		}
	}
}

static _Noreturn void power_off(void)
{
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };

	init_log("powering off");
	kill(-1, SIGTERM);
	for (int i = 0; i < 40 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		nanosleep(&tick, NULL);
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	sync();
	if (umount2("/home/user", 0) < 0 && errno != EINVAL)
		umount2("/home/user", MNT_DETACH);
	sync();
	reboot(RB_POWER_OFF);
	init_fail("reboot(RB_POWER_OFF)");
}

static bool is_power_button(const char *ev)
{
	char path[INIT_PATH_MAX], name[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/input/%s/device/name", ev);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(name, sizeof(name), f))
		name[0] = '\0';
	fclose(f);
	return strncmp(name, "Power Button", 12) == 0;
}

/* ACPI power button (what libvirt's Shutdown presses) -> evdev: open every such device. */
static int open_power_buttons(struct pollfd *pfd, int max)
{
	DIR *d = opendir("/sys/class/input");
	struct dirent *e;
	char path[INIT_PATH_MAX];
	int n = 0;

	while (d && (e = readdir(d)) && n < max) {
		if (strncmp(e->d_name, "event", 5) != 0 || !is_power_button(e->d_name))
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", e->d_name);
		pfd[n].fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		pfd[n].events = POLLIN;
		n += pfd[n].fd >= 0;
	}
	if (d)
		closedir(d);
	return n;
}

static bool power_pressed(int fd)
{
	struct input_event ev[16];
	ssize_t n = read(fd, ev, sizeof(ev));

	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(ev[0]); i++)
		if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER && ev[i].value == 1)
			return true;
	return false;
}

static int setup_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPWR);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* Ctrl-Alt-Del becomes SIGINT to init instead of an immediate reboot. */
	reboot(RB_DISABLE_CAD);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static bool handle_signals(int sfd, struct init_config *cfg)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		init_log("signal %u: shutting down", si.ssi_signo);
		stop = true;
	}
	reap(cfg);
	return stop;
}

/* The on-demand service's socket is watched only while the service is not running: a client
 * that connects then starts it, and the service takes over the socket. */
static void watch_on_demand(struct init_config *cfg, struct pollfd *p)
{
	struct init_service *s = cfg->cups;

	if (s && s->pid == 0 && (p->revents & POLLIN))
		spawn(s);
	p->fd = s && s->pid == 0 ? s->listen_fd : -1;
	p->events = POLLIN;
	p->revents = 0;
}

int init_supervise(struct init_config *cfg)
{
	struct pollfd pfd[2 + MAX_INPUTS];
	int n;

	pfd[0].fd = setup_signals();
	pfd[0].events = POLLIN;
	pfd[1].revents = 0;
	n = 2 + open_power_buttons(pfd + 2, MAX_INPUTS);
	reap(cfg);
	for (;;) {
		watch_on_demand(cfg, &pfd[1]);
		if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
			init_fail("poll");
		watch_on_demand(cfg, &pfd[1]);
		if ((pfd[0].revents & POLLIN) && handle_signals(pfd[0].fd, cfg))
			power_off();
		for (int i = 2; i < n; i++)
			if ((pfd[i].revents & POLLIN) && power_pressed(pfd[i].fd)) {
				init_log("power button pressed");
				power_off();
			}
	}
}
