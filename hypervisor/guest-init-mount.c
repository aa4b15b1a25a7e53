/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest init's file systems: early mounts, modules, the tmpfs root over the host's /usr. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest-init.h"

#define NINEP_OPTS "trans=virtio,version=9p2000.L,msize=262144,cache=loose"

static void must_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		       const char *opts)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, opts) < 0)
		init_fail(dst);
}

void init_early_mounts(void)
{
	int fd;

	must_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	must_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	must_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	/* The kernel hands init /dev/console only if the initramfs had one; make sure. */
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		for (int i = 0; i < 3; i++)
			dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
}

static void take_arg(const char *word, const char *key, char *dst, size_t size)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) == 0 && strlen(word + n) < size)
		strcpy(dst, word + n);
}

void init_read_cmdline(struct init_config *cfg)
{
	char buf[4096] = "";
	char *save = NULL;
	FILE *f = fopen("/proc/cmdline", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		take_arg(w, "bulkhead.name=", cfg->name, sizeof(cfg->name));
		take_arg(w, "bulkhead.guest=", cfg->guest, sizeof(cfg->guest));
		take_arg(w, "bulkhead.gui=", cfg->gui, sizeof(cfg->gui));
		take_arg(w, "bulkhead.disposable=", cfg->disposable, sizeof(cfg->disposable));
		take_arg(w, "bulkhead.net=", cfg->net, sizeof(cfg->net));
		take_arg(w, "bulkhead.lean=", cfg->lean, sizeof(cfg->lean));
	}
	if (!cfg->name[0] || strchr(cfg->name, '/'))
		strcpy(cfg->name, "bulkhead-vm");
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_one(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST))
		init_log("module %s: %s", name, strerror(errno));
	if (fd >= 0)
		close(fd);
	/* Loaded modules live in kernel memory; the file's copy in the rootfs is waste. */
	unlinkat(dirfd, name, 0);
}

/* The generator names modules NN-name.ko, so file-name order is load order. */
void init_load_modules(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, NULL);
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *names[128];
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (strstr(list[i]->d_name, ".ko") && k < (int)(sizeof(names) / sizeof(names[0])))
			names[k++] = list[i]->d_name;
	}
	qsort(names, (size_t)k, sizeof(names[0]), cmp_names);
	for (int i = 0; i < k; i++)
		load_one(dirfd, names[i]);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	if (dirfd >= 0)
		close(dirfd);
}

/* The 9p transport finds its mount tag only once virtio_pci has probed the device. */
static int mount_9p(const char *tag, const char *dst)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	init_mkdir_p(dst, 0755);
	for (int i = 0; i < 500; i++) {
		if (mount(tag, dst, "9p", MS_RDONLY | MS_NODEV | MS_NOSUID, NINEP_OPTS) == 0)
			return 0;
		if (errno != ENOENT && errno != ENODEV)
			break;
		nanosleep(&tick, NULL);
	}
	init_log("mount 9p %s on %s: %s", tag, dst, strerror(errno));
	return -1;
}

/* Fails closed: without its volume /home/user would be the root tmpfs, and whatever the user
 * ran or copied there would look kept and vanish at shutdown. The reason goes to the console
 * and, through the agent's refusals, to whoever calls into the VM (guest-init-run.c). */
static void mount_home(struct init_config *cfg)
{
	const char *why = NULL;

	if (!init_wait_path("/dev/vda", 5000))
		why = "is missing";
	else if (mount("/dev/vda", INIT_NEWROOT "/home/user", "ext4", MS_NOSUID | MS_NODEV,
		       "errors=remount-ro") < 0)
		why = strerror(errno);
	if (!why)
		return;
	snprintf(
		cfg->home_error, sizeof(cfg->home_error),
		"private volume /dev/vda not mounted (%s): nothing runs, as /home/user would be lost",
		why);
	init_log("fatal: %s", cfg->home_error);
}

static void make_skeleton(void)
{
	static const char *const dirs[] = { "etc",  "proc",    "sys", "dev", "run",	"home/user",
					    "root", "var/tmp", "mnt", "opt", "var/lib", "srv" };
	static const char *const links[][2] = { { "usr/bin", "bin" },
						{ "usr/sbin", "sbin" },
						{ "usr/lib", "lib" },
						{ "usr/lib64", "lib64" } };
	char path[INIT_PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), INIT_NEWROOT "/%s", dirs[i]);
		init_mkdir_p(path, 0755);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), INIT_NEWROOT "/%s", links[i][1]);
		init_symlink(links[i][0], path);
	}
	mkdir(INIT_NEWROOT "/tmp", 01777);
	chmod(INIT_NEWROOT "/tmp", 01777);
	chmod(INIT_NEWROOT "/var/tmp", 01777);
}

/* The initramfs' /alternatives (the host's Debian alternatives, links into /usr, chosen by
 * bulkhead-mkinitramfs) become the new root's /etc/alternatives: without them awk, and so
 * xdg-open, would point at nothing. */
static void copy_alternatives(void)
{
	char target[INIT_PATH_MAX], link[INIT_PATH_MAX], src[INIT_PATH_MAX];
	DIR *d = opendir("/alternatives");
	struct dirent *e;

	if (!d)
		return;
	init_mkdir_p(INIT_NEWROOT "/etc/alternatives", 0755);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(src, sizeof(src), "/alternatives/%s", e->d_name);
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		snprintf(link, sizeof(link), INIT_NEWROOT "/etc/alternatives/%s", e->d_name);
		init_symlink(target, link);
	}
	closedir(d);
}

/* /opt/bulkhead: the installed guest dir the host named under the shared /usr, or a
 * subdirectory of the build tree's share. A name with ".." is not followed anywhere. */
static void link_guest_dir(const struct init_config *cfg)
{
	const char *sub = strncmp(cfg->guest, "share:", 6) == 0 ? cfg->guest + 6 : NULL;
	char target[INIT_PATH_MAX];

	if (!cfg->guest[0] || strstr(cfg->guest, "..") ||
	    (!sub && strncmp(cfg->guest, "/usr/", 5) != 0) || (sub && strchr(sub, '/')))
		return init_log("no usable bulkhead.guest= on the command line");
	if (sub && mount_9p("bulkhead", INIT_NEWROOT INIT_GUEST_SHARE) < 0)
		return;
	if (sub)
		snprintf(target, sizeof(target), INIT_GUEST_SHARE "/%s", sub);
	else
		snprintf(target, sizeof(target), "%s", cfg->guest);
	init_symlink(target, INIT_NEWROOT INIT_GUEST_DIR);
}

/* Move /proc, /sys, /dev under the new root and make it "/" (switch_root, minus the exec:
 * this process stays PID 1). */
static int switch_root(void)
{
	static const char *const keep[] = { "/proc", "/sys", "/dev" };
	char dst[64];

	for (size_t i = 0; i < 3; i++) {
		snprintf(dst, sizeof(dst), INIT_NEWROOT "%s", keep[i]);
		if (mount(keep[i], dst, NULL, MS_MOVE, NULL) < 0)
			return -1;
	}
	unlink("/init");
	if (chdir(INIT_NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		return -1;
	return 0;
}

static void late_mounts(void)
{
	must_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		   "gid=5,mode=0620,ptmxmode=0666");
	must_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	must_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

int init_make_root(struct init_config *cfg)
{
	must_mount("tmpfs", INIT_NEWROOT, "tmpfs", 0, "mode=0755");
	make_skeleton();
	copy_alternatives();
	if (mount_9p("hostusr", INIT_NEWROOT "/usr") < 0)
		return -1;
	link_guest_dir(cfg);
	mount_home(cfg);
	if (switch_root() < 0)
		return -1;
	late_mounts();
	return 0;
}

static void link_port(const char *dev)
{
	char path[INIT_PATH_MAX], name[128] = "", target[INIT_PATH_MAX], link[INIT_PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name", dev);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(name, sizeof(name), f))
		name[strcspn(name, "\n")] = '\0';
	fclose(f);
	if (!name[0] || strchr(name, '/') || name[0] == '.')
		return;
	snprintf(target, sizeof(target), "../%s", dev);
	snprintf(link, sizeof(link), INIT_PORT_DIR "/%s", name);
	init_symlink(target, link);
	/* The gui agent runs as the VM's user, in its X session; the qrexec port stays root's. */
	snprintf(path, sizeof(path), "/dev/%s", dev);
	if (strcmp(name, "org.bulkhead.gui.0") == 0 &&
	    chown(path, INIT_USER_UID, INIT_USER_UID) < 0)
		init_log("chown %s: %s", path, strerror(errno));
}

static int count_ports(void)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* What udev would do: /dev/virtio-ports/<port name> -> ../vportNpM. */
void init_create_port_links(void)
{
	DIR *d;
	struct dirent *e;

	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	/* Both ports (qrexec, gui) are announced by the device shortly after its probe. */
	for (int i = 0; i < 500 && count_ports() < 2; i++)
		nanosleep(&tick, NULL);
	mkdir(INIT_PORT_DIR, 0755);
	d = opendir("/sys/class/virtio-ports");
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			link_port(e->d_name);
	closedir(d);
}
