/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest's network, set with ioctls: no DHCP client, no netlink library, nothing that is
 * not in the static init. The host put the link's addresses on the kernel command line
 * (bulkhead.net=ADDR/PREFIX,GATEWAY,DNS); a VM without that line has no NIC and gets only lo.
 *
 * Trust: the command line is the host's. What the guest then sends goes through the host's
 * net-filter whatever this file does: configuring the link is a convenience, not a control.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "guest-init.h"

struct net_cmdline {
	struct in_addr addr, mask, gw, dns;
};

static int parse(const char *s, struct net_cmdline *n)
{
	char addr[16], gw[16], dns[16];
	unsigned prefix;

	if (sscanf(s, "%15[0-9.]/%u,%15[0-9.],%15[0-9.]", addr, &prefix, gw, dns) != 4 ||
	    prefix < 1 || prefix > 30)
		return -EINVAL;
	if (inet_pton(AF_INET, addr, &n->addr) != 1 || inet_pton(AF_INET, gw, &n->gw) != 1 ||
	    inet_pton(AF_INET, dns, &n->dns) != 1)
		return -EINVAL;
	n->mask.s_addr = htonl(UINT32_MAX << (32 - prefix));
	return 0;
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a };

	memcpy(sa, &sin, sizeof(sin));
}

static int if_up(int sock, const char *ifname)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

/* The NIC: the first interface that is not lo. virtio_net was loaded before the root was
 * built, so it is normally there already; a short wait covers a slow probe. */
static int find_nic(char *name, size_t size)
{
	struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };

	for (int tries = 0; tries < 60; tries++) {
		DIR *d = opendir("/sys/class/net");
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.' && strcmp(e->d_name, "lo") != 0 &&
			    strlen(e->d_name) < size) {
				strcpy(name, e->d_name);
				closedir(d);
				return 0;
			}
		if (d)
			closedir(d);
		nanosleep(&pause, NULL);
	}
	return -ENODEV;
}

static int set_addr(int sock, const char *ifname, const struct net_cmdline *n)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	set_sin(&ifr.ifr_addr, n->addr);
	if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
		return -errno;
	set_sin(&ifr.ifr_netmask, n->mask);
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
		return -errno;
	return if_up(sock, ifname);
}

static int add_default_route(int sock, const struct net_cmdline *n)
{
	struct rtentry rt = { .rt_flags = RTF_UP | RTF_GATEWAY };

	set_sin(&rt.rt_dst, (struct in_addr){ 0 });
	set_sin(&rt.rt_genmask, (struct in_addr){ 0 });
	set_sin(&rt.rt_gateway, n->gw);
	return ioctl(sock, SIOCADDRT, &rt) < 0 ? -errno : 0;
}

static void write_resolv_conf(const struct net_cmdline *n)
{
	char ip[INET_ADDRSTRLEN], buf[64];

	inet_ntop(AF_INET, &n->dns, ip, sizeof(ip));
	snprintf(buf, sizeof(buf), "nameserver %s\n", ip);
	init_write_file("/etc/resolv.conf", buf, 0644);
}

static void setup_nic(int sock, const char *spec)
{
	struct net_cmdline n;
	char ifname[IF_NAMESIZE];
	int r = parse(spec, &n);

	if (r < 0)
		return init_log("bulkhead.net=%s: not ADDR/PREFIX,GATEWAY,DNS", spec);
	r = find_nic(ifname, sizeof(ifname));
	if (r < 0)
		return init_log("network: no network interface appeared");
	r = set_addr(sock, ifname, &n);
	if (r >= 0)
		r = add_default_route(sock, &n);
	if (r < 0)
		return init_log("network: configuring %s failed: %s", ifname, strerror(-r));
	write_resolv_conf(&n);
	init_log("network: %s is %s", ifname, spec);
}

void init_setup_net(const struct init_config *cfg)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return init_log("network: socket: %s", strerror(errno));
	if (if_up(sock, "lo") < 0)
		init_log("network: cannot bring lo up");
	if (cfg->net[0])
		setup_nic(sock, cfg->net);
	close(sock);
}
