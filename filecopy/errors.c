/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The receiver's reply codes as sentences a person understands (FILECOPY.md, "Reply"). */
#include <errno.h>
#include <stddef.h>

#include "filecopy.h"

struct sentence {
	uint32_t code;
	const char *text;
};

static const struct sentence sentences[] = {
	{ 0, "The copy succeeded." },
	{ EEXIST, "A file of that name already exists in the target VM and could not be kept "
		  "beside it." },
	{ EINVAL, "The target VM refused the copy: the stream held an entry it does not accept "
		  "(a special file such as a FIFO or device, or malformed fields)." },
	{ EILSEQ, "The target VM refused a file name: names may not be empty, absolute, contain "
		  "'.' or '..' components, or contain control, invisible or direction-changing "
		  "characters." },
	{ ENOLINK, "The target VM refused a symbolic link: links must be relative and stay inside "
		   "the directory being copied." },
	{ ENAMETOOLONG, "A file name is too long for the target VM (255 bytes per component, "
			"4095 per path)." },
	{ EDQUOT, "The copy is larger than the target VM accepts (its limit on the number of "
		  "files or total size, or its disk quota)." },
	{ ENOSPC, "The target VM's disk is full." },
	{ ENOENT, "The target VM could not find the folder a file belongs in (the stream named a "
		  "file before its directory)." },
	{ ENOTDIR, "A path in the copy goes through something that is not a directory in the "
		   "target VM." },
	{ ELOOP, "A path in the copy goes through a symbolic link; the target VM never follows "
		 "links while writing." },
	{ EACCES, "The target VM was not allowed to write into its incoming folder." },
	{ EPERM, "The target VM was not allowed to write into its incoming folder." },
	{ EROFS, "The target VM's incoming folder is on a read-only filesystem." },
	{ EIO, "The target VM had an input/output error while writing the files." },
	{ EFBIG, "A file is too large for the target VM's filesystem." },
	{ EREMOTEIO, "The copy was cut short: the stream ended before its end marker." },
	{ FILECOPY_ESHORTDATA, "The copy was cut short: the stream ended in the middle of a "
			       "file." },
};

const char *filecopy_error_sentence(uint32_t code)
{
	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		if (sentences[i].code == code)
			return sentences[i].text;
	return "The target VM reported an unexpected error while receiving the files.";
}
