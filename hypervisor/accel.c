/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KVM or TCG. /dev/kvm existing is not enough (PLATFORM.md: a nested machine's para-virtual
 * /dev/kvm hangs QEMU): require the CPU's vmx/svm flag, the stable API version, and a VM that
 * the kernel will actually create.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv.h"
#include "macro.h"

static bool cpu_has_virt_flag(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		return strstr(line, " vmx") || strstr(line, " svm");
	}
	return false;
}

bool hv_kvm_usable(void)
{
	_cleanup_close_ int kvm = -1, vm = -1;

	if (!cpu_has_virt_flag())
		return false;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0 || ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return false;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	return vm >= 0;
}
