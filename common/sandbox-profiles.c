/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The allow-lists, one table per program, each applied once the program has opened what it
 * needs (sockets bound, display connected, incoming folder entered). What a table leaves out is
 * the point: no execve, no fork (only the policy daemon starts threads), no socket but AF_UNIX,
 * no ioctl but FIONREAD (no TIOCSTI and friends), no executable memory (mmap/mprotect with PROT_EXEC), no
 * ptrace, mount, bpf, keyctl, setuid.
 *
 * Kill or EPERM (sandbox.h): the programs that parse VM data (qrexec-daemon, guid,
 * filecopy-receive) are killed by a forbidden call: reaching one means the process is no longer
 * running our code, and a per-VM daemon that dies ends only that VM's link. The policy daemon
 * gets EPERM: it parses no VM stream (the qrexec daemons validated every name it sees), and
 * libdbus and glibc take other paths on EPERM, where a kill would deny every call of every VM.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>

#include "macro.h"
#include "sandbox-internal.h"

const struct sandbox_syscall sandbox_base_syscalls[] = {
	SB_ALLOW(read),
	SB_ALLOW(write),
	SB_ALLOW(readv),
	SB_ALLOW(writev),
	SB_ALLOW(pread64),
	SB_ALLOW(close),
	SB_ALLOW(poll),
	SB_ALLOW(ppoll),
	SB_ALLOW(exit),
	SB_ALLOW(exit_group),
	SB_ALLOW(restart_syscall),
	SB_ALLOW(rt_sigreturn),
	SB_ALLOW(rt_sigprocmask),
	SB_ALLOW(rt_sigaction),
	SB_ALLOW(sigaltstack),
	SB_ALLOW(tgkill), /* abort() */
	SB_ALLOW(brk),
	SB_ARG_MASKED(mmap, 2, PROT_EXEC, 0),
	SB_ARG_MASKED(mprotect, 2, PROT_EXEC, 0),
	SB_ALLOW(munmap),
	SB_ALLOW(mremap),
	SB_ALLOW(madvise),
	SB_ALLOW(futex),
	SB_ALLOW(getpid),
	SB_ALLOW(gettid),
	SB_ALLOW(getuid),
	SB_ALLOW(geteuid),
	SB_ALLOW(getgid),
	SB_ALLOW(getegid),
	SB_ALLOW(getresuid),
	SB_ALLOW(getresgid),
	SB_ALLOW(clock_gettime),
	SB_ALLOW(clock_nanosleep),
	SB_ALLOW(nanosleep),
	SB_ALLOW(gettimeofday),
	SB_ALLOW(fstat),
	SB_ALLOW(newfstatat),
	SB_ALLOW(lseek),
	SB_ALLOW(fcntl),
	SB_ALLOW(getrandom),
	SB_ALLOW(sched_yield),
	SB_ARG_EQ(prlimit64, 2, 0), /* read limits, never raise them */
};
const size_t sandbox_n_base_syscalls = ELEMENTSOF(sandbox_base_syscalls);

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#endif

#ifdef SANDBOX_SANITIZER
/* ASan reads /proc/self/maps for its reports; LeakSanitizer at exit stops the world with a
 * tracer task (clone with CLONE_VM, never a fork; ptrace, wait4) and lists /proc/self/task.
 * Sanitizer builds only. */
const struct sandbox_syscall sandbox_sanitizer_syscalls[] = {
	SB_ALLOW(open),
	SB_ALLOW(openat),
	SB_ALLOW(readlink),
	SB_ALLOW(getdents64),
	SB_ALLOW(getdents),
	SB_ARG_MASKED(clone, 0, CLONE_VM, CLONE_VM),
	SB_ALLOW(ptrace),
	SB_ALLOW(wait4),
	SB_ALLOW(prctl),
	SB_ALLOW(getppid),
	SB_ALLOW(kill),
	SB_ALLOW(pipe2),
	SB_ALLOW(set_robust_list),
	SB_ALLOW(sched_getaffinity),
	SB_ALLOW(access),
	SB_ALLOW(dup2),
	SB_ALLOW(rt_sigtimedwait),
};
const struct sandbox_path sandbox_sanitizer_paths[] = {
	{ "/proc/self", SANDBOX_FS_READ },
};
#else
const struct sandbox_syscall sandbox_sanitizer_syscalls[] = {};
const struct sandbox_path sandbox_sanitizer_paths[] = {};
#endif
const size_t sandbox_n_sanitizer_syscalls = ELEMENTSOF(sandbox_sanitizer_syscalls);
const size_t sandbox_n_sanitizer_paths = ELEMENTSOF(sandbox_sanitizer_paths);

/* Host Unix sockets only: links to other daemons, the policy socket, the session bus. */
#define UNIX_SOCKETS                                                                        \
	SB_ARG_EQ(socket, 0, AF_UNIX), SB_ALLOW(connect), SB_ALLOW(getsockopt),             \
		SB_ALLOW(setsockopt), SB_ALLOW(getsockname), SB_ALLOW(getpeername),         \
		SB_ALLOW(sendmsg), SB_ALLOW(recvmsg), SB_ALLOW(sendto), SB_ALLOW(recvfrom), \
		SB_ALLOW(shutdown)

/* The VM's channel, its link sockets, the policy and dispvm sockets; one file: the ready
 * marker <runtime>/qrexec/<vm>.ready, created in the directory its caller grants. */
static const struct sandbox_syscall qrexec_daemon_syscalls[] = {
	UNIX_SOCKETS,
	SB_ALLOW(accept4),
	SB_ALLOW(openat),
};

const struct sandbox_profile sandbox_profile_qrexec_daemon = {
	.name = "qrexec-daemon",
	.on_violation = SANDBOX_KILL,
	.syscalls = qrexec_daemon_syscalls,
	.n_syscalls = ELEMENTSOF(qrexec_daemon_syscalls),
};

/* Reads the policy directories (inotify), writes the audit log, asks over D-Bus on threads. */
static const struct sandbox_syscall policy_daemon_syscalls[] = {
	UNIX_SOCKETS,
	SB_ALLOW(accept4),
	SB_ALLOW(openat),
	SB_ALLOW(getdents64),
	SB_ALLOW(inotify_add_watch),
	SB_ALLOW(inotify_rm_watch),
	SB_ARG_MASKED(clone, 0, CLONE_THREAD, CLONE_THREAD), /* threads, never a new process */
	SB_ALLOW(set_robust_list),
	SB_ALLOW(rseq),
	SB_ALLOW(uname),
};

static const struct sandbox_path policy_daemon_paths[] = {
	{ "/etc/bulkhead", SANDBOX_FS_READ },
	{ "/etc/localtime", SANDBOX_FS_READ },
	{ "/etc/machine-id", SANDBOX_FS_READ },
	{ "/var/lib/dbus/machine-id", SANDBOX_FS_READ },
};

const struct sandbox_profile sandbox_profile_policy_daemon = {
	.name = "qrexec-policy-daemon",
	.on_violation = SANDBOX_EPERM,
	.syscalls = policy_daemon_syscalls,
	.n_syscalls = ELEMENTSOF(policy_daemon_syscalls),
	.paths = policy_daemon_paths,
	.n_paths = ELEMENTSOF(policy_daemon_paths),
};

/* X11 and MIT-SHM (never executable), the clipboard files, the policy socket, D-Bus. */
static const struct sandbox_syscall guid_syscalls[] = {
	UNIX_SOCKETS,
	SB_ARG_EQ(ioctl, 1, FIONREAD), /* Xlib asks how much the X connection holds */
	SB_ALLOW(openat),
	SB_ALLOW(mkdir), /* the clipboard store's mkdir -p, on a directory that exists */
	SB_ALLOW(flock),
	SB_ALLOW(fsync),
	SB_ALLOW(fdatasync),
	SB_ALLOW(pwrite64),
	SB_ALLOW(ftruncate),
	SB_ALLOW(rename),
	SB_ALLOW(renameat),
	SB_ALLOW(renameat2),
	SB_ALLOW(unlink),
	SB_ALLOW(unlinkat),
	SB_ALLOW(shmget),
	SB_ARG_MASKED(shmat, 2, SHM_EXEC, 0),
	SB_ALLOW(shmdt),
	SB_ALLOW(shmctl),
	SB_ALLOW(uname),
	SB_ALLOW(access), /* Xlib probes for its databases before it opens them */
	SB_ALLOW(mlock),  /* sodium_malloc keeps clipboard data out of swap */
	SB_ALLOW(munlock),
};

/* Xlib reads its error and locale databases under /usr; D-Bus may read the machine id. */
static const struct sandbox_path guid_paths[] = {
	{ "/usr/share/X11", SANDBOX_FS_READ },		 { "/usr/lib/locale", SANDBOX_FS_READ },
	{ "/etc/localtime", SANDBOX_FS_READ },		 { "/etc/machine-id", SANDBOX_FS_READ },
	{ "/var/lib/dbus/machine-id", SANDBOX_FS_READ },
};

const struct sandbox_profile sandbox_profile_guid = {
	.name = "guid",
	.on_violation = SANDBOX_KILL,
	.syscalls = guid_syscalls,
	.n_syscalls = ELEMENTSOF(guid_syscalls),
	.paths = guid_paths,
	.n_paths = ELEMENTSOF(guid_paths),
};

/* Frames between two sockets it holds already (QEMU's and its passt's), the compiled rules
 * re-read on SIGHUP from the directory its caller grants, its passt child reaped at exit. No
 * socket, no signal to anyone: it parses the guest's frames. */
static const struct sandbox_syscall net_filter_syscalls[] = {
	SB_ALLOW(openat),
	SB_ALLOW(wait4),
};

const struct sandbox_profile sandbox_profile_net_filter = {
	.name = "net-filter",
	.on_violation = SANDBOX_KILL,
	.syscalls = net_filter_syscalls,
	.n_syscalls = ELEMENTSOF(net_filter_syscalls),
};

/* Writes files, directories and symlinks beneath the incoming folder (its caller's path). */
static const struct sandbox_syscall filecopy_receive_syscalls[] = {
	SB_ALLOW(openat),    SB_ALLOW(openat2),	  SB_ALLOW(mkdirat),	SB_ALLOW(symlinkat),
	SB_ALLOW(linkat),    SB_ALLOW(unlinkat),  SB_ALLOW(renameat),	SB_ALLOW(renameat2),
	SB_ALLOW(fchmod),    SB_ALLOW(fchmodat),  SB_ALLOW(utimensat),	SB_ALLOW(fsync),
	SB_ALLOW(fdatasync), SB_ALLOW(syncfs),	  SB_ALLOW(statfs),	SB_ALLOW(fstatfs),
	SB_ALLOW(ftruncate), SB_ALLOW(fallocate), SB_ALLOW(getdents64), SB_ALLOW(readlinkat),
	SB_ALLOW(pwrite64),
};

const struct sandbox_profile sandbox_profile_filecopy_receive = {
	.name = "filecopy-receive",
	.on_violation = SANDBOX_KILL,
	.syscalls = filecopy_receive_syscalls,
	.n_syscalls = ELEMENTSOF(filecopy_receive_syscalls),
};
