/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The common library in one include. */
#pragma once

#include "channel.h"
#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "msg.h"
#include "paths.h"
#include "strutil.h"
#include "validate.h"
