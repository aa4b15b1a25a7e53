/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sandbox.c's and sandbox-profiles.c's shared tables: the allow-lists every profile extends. */
#pragma once

#include <seccomp.h>

#include "sandbox.h"

/* Table entries: a call allowed outright, or allowed only when argument a (masked) matches. */
#define SB_ALLOW(name)                   \
	{                                \
		SCMP_SYS(name), -1, 0, 0 \
	}
#define SB_ARG_EQ(name, a, v)           \
	{                               \
		SCMP_SYS(name), a, 0, v \
	}
#define SB_ARG_MASKED(name, a, m, v)    \
	{                               \
		SCMP_SYS(name), a, m, v \
	}

/* What every program needs to run at all: memory, signals, time, I/O on open fds, exit. */
extern const struct sandbox_syscall sandbox_base_syscalls[];
extern const size_t sandbox_n_base_syscalls;
/* What the ASan/UBSan/LSan runtime needs on top (empty in a plain build). */
extern const struct sandbox_syscall sandbox_sanitizer_syscalls[];
extern const size_t sandbox_n_sanitizer_syscalls;
extern const struct sandbox_path sandbox_sanitizer_paths[];
extern const size_t sandbox_n_sanitizer_paths;
