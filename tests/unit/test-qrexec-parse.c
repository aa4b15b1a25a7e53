/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the parsers of VM-supplied qrexec messages and the URL check of bulkhead.OpenURL. */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "dispvm-client.h"
#include "macro.h"
#include "qrexec.h"
#include "strutil.h"
#include "tap.h"

static struct msg msg_of(uint32_t type, uint32_t id, const void *p, size_t len)
{
	return (struct msg){ .type = type, .id = id, .len = (uint32_t)len, .payload = p };
}

static int call(const char *target, const char *service, struct qrexec_call *c)
{
	struct qrexec_call_request r = { 0 };

	strncpy(r.target, target, sizeof(r.target) - 1);
	strncpy(r.service, service, sizeof(r.service) - 1);
	struct msg m = msg_of(QREXEC_MSG_CALL_REQUEST, 1, &r, sizeof(r));
	return qrexec_parse_call_request(&m, c);
}

static void test_call_request(void)
{
	struct qrexec_call c;
	struct qrexec_call_request r;

	is_int(call("mail", "bulkhead.OpenURL", &c), 0, "a plain request parses");
	is_str(c.service, "bulkhead.OpenURL", "service");
	is_str(c.argument, "", "no argument");
	is_int(call("@default", "test.Echo+a.b", &c), 0, "@default with an argument");
	is_str(c.argument, "a.b", "argument");
	is_str(c.full, "test.Echo+a.b", "full name");
	is_int(call("@dispvm:web", "x", &c), 0, "@dispvm:VM");
	is_int(call("", "x", &c), 0, "an empty target means @default");
	is_int(call("@anyvm", "x", &c), -EINVAL, "@anyvm is not a request target");
	is_int(call("@dispvm:", "x", &c), -EINVAL, "@dispvm: without a name");
	is_int(call("1abc", "x", &c), -EINVAL, "a VM name must start with a letter");
	is_int(call("mail", "../etc", &c), -EINVAL, "a path is not a service");
	is_int(call("mail", "a/b", &c), -EINVAL, "no slash in a service");
	is_int(call("mail", "", &c), -EINVAL, "an empty service");
	is_int(call("mail", "x+a/b", &c), -EINVAL, "no slash in an argument");
	memset(&r, 'A', sizeof(r));
	struct msg m = msg_of(QREXEC_MSG_CALL_REQUEST, 1, &r, sizeof(r));
	is_int(qrexec_parse_call_request(&m, &c), -EBADMSG, "fields without NUL: malformed");
	m.len = sizeof(r) - 1;
	is_int(qrexec_parse_call_request(&m, &c), -EBADMSG, "short: malformed");
}

static void test_small_messages(void)
{
	struct qrexec_hello h = { htole32(1), htole32(5) };
	struct qrexec_refused rf;
	uint32_t u, w = htole32(4096), big = htole32(QREXEC_WINDOW + 1), zero = 0;
	int32_t e = (int32_t)htole32(3), neg = (int32_t)htole32((uint32_t)-1);
	char reason[QREXEC_REASON_FIELD];
	int code;

	struct msg m = msg_of(QREXEC_MSG_HELLO, 0, &h, sizeof(h));
	is_int(qrexec_parse_hello(&m, &u), 0, "hello 1..5 parses");
	is_int(u, QREXEC_PROTOCOL_VERSION, "version negotiated down to ours");
	h.version_min = htole32(9);
	h.version_max = htole32(9);
	is_int(qrexec_parse_hello(&m, &u), -EPROTO, "a version we do not speak");
	m = msg_of(QREXEC_MSG_WINDOW, 1, &w, 4);
	is_int(qrexec_parse_window(&m, &u), 0, "window");
	m.payload = (const uint8_t *)&big;
	is_int(qrexec_parse_window(&m, &u), -EBADMSG, "window over the maximum");
	m.payload = (const uint8_t *)&zero;
	is_int(qrexec_parse_window(&m, &u), -EBADMSG, "empty window");
	m = msg_of(QREXEC_MSG_EXIT, 1, &e, 4);
	is_int(qrexec_parse_exit(&m, &code), 0, "exit");
	is_int(code, 3, "exit status");
	m.payload = (const uint8_t *)&neg;
	is_int(qrexec_parse_exit(&m, &code), -EBADMSG, "negative exit status");
	qrexec_refused_init(&rf, 127, "no\nsuch \x1b[31mservice");
	m = msg_of(QREXEC_MSG_REFUSED, 1, &rf, sizeof(rf));
	is_int(qrexec_parse_refused(&m, &code, reason), 0, "refused");
	is_str(reason, "no?such ?[31mservice", "control characters in a reason are replaced");
	rf.code = (int32_t)htole32(0);
	is_int(qrexec_parse_refused(&m, &code, reason), -EBADMSG, "refused with code 0");
}

static void test_exec_request(void)
{
	uint8_t buf[sizeof(struct qrexec_exec_request) + 16];
	struct qrexec_exec_request *req = (struct qrexec_exec_request *)buf;
	struct qrexec_exec e;

	is_int(qrexec_exec_request_init(req, "work", "@default", "a.b+c", 0), 0, "init");
	struct msg m = msg_of(QREXEC_MSG_EXEC_REQUEST, QREXEC_ID_HOST | 1, buf, sizeof(*req));
	is_int(qrexec_parse_exec_request(&m, &e), 0, "exec request parses");
	is_str(e.source, "work", "source");
	is_str(e.call.argument, "c", "argument");
	m.len += 3;
	is_int(qrexec_parse_exec_request(&m, &e), -EBADMSG,
	       "trailing bytes without the command flag");
	qrexec_exec_request_init(req, "work", "mail", "qrexec.Command", QREXEC_EXEC_COMMAND);
	memcpy(buf + sizeof(*req), "ls\0-l\0", 6);
	m.len = sizeof(*req) + 6;
	is_int(qrexec_parse_exec_request(&m, &e), 0, "a command request");
	is_int(e.command_len, 6, "its argv bytes");
	qrexec_exec_request_init(req, "-x", "mail", "a", 0);
	m.len = sizeof(*req);
	is_int(qrexec_parse_exec_request(&m, &e), -EINVAL, "an invalid source name");
	is_int(qrexec_exec_request_init(req, "work", "mail", "x", 0) == 0 &&
		       qrexec_exec_request_init(req, "a-name-that-is-far-too-long-for-the-field-xx",
						"mail", "x", 0) == -ENAMETOOLONG,
	       1, "a name too long for its field");
}

static const struct {
	const char *url;
	bool valid;
} urls[] = {
	{ "https://example.org/a?b=c", true },
	{ "HTTP://EXAMPLE.ORG/", true },
	{ "ftp://example.org/f", true },
	{ "mailto:a@example.org", true },
	{ "https://example.org/\xc3\xa9", true },
	{ "javascript:alert(1)", false },
	{ "file:///etc/passwd", false },
	{ "https://", false },
	{ "https://a b", false },
	{ "https://a\tb", false },
	{ "https://a\nb", false },
	{ "https://a\x7f", false },
	{ "https://a\xc3", false },
	{ "-https://x", false },
	{ "", false },
};

static void test_urls(void)
{
	static char big[QREXEC_URL_MAX + 2];

	for (size_t i = 0; i < ELEMENTSOF(urls); i++)
		is_int(qrexec_url_is_valid(urls[i].url, strlen(urls[i].url)), urls[i].valid,
		       "URL #%zu is %s", i, urls[i].valid ? "accepted" : "refused");
	memcpy(big, "http://", 7);
	memset(big + 7, 'a', QREXEC_URL_MAX - 7);
	ok(qrexec_url_is_valid(big, QREXEC_URL_MAX), "a URL of exactly 8 KiB is accepted");
	big[QREXEC_URL_MAX] = 'a';
	ok(!qrexec_url_is_valid(big, QREXEC_URL_MAX + 1), "one byte more is refused");
	ok(qrexec_url_looks_like_url("svn+ssh://x"), "SCHEME:// looks like a URL");
	ok(qrexec_url_looks_like_url("mailto:x@y"), "mailto: looks like a URL");
	ok(!qrexec_url_looks_like_url("/etc/passwd"), "a path does not");
	ok(!qrexec_url_looks_like_url("a.b://x"), "a dot is not part of a scheme here");
}

/* bulkhead.OpenInVM's "NAME\n": one safe path component, or refused before anything is made. */
static void test_open_header(void)
{
	static const struct {
		const char *in;
		int want;
	} rows[] = {
		{ "report.pdf\n%PDF", 11 }, { "r\xc3\xa9sum\xc3\xa9.txt\n", 13 },
		{ "no newline yet", 0 },    { "../etc/passwd\n", -EINVAL },
		{ "a/b\n", -EINVAL },	    { "-rf\n", -EINVAL },
		{ ".hidden\n", -EINVAL },   { "\n", -EINVAL },
		{ "a\033[2J\n", -EINVAL },  { "bad\xc3\n", -EINVAL },
	};
	char name[QREXEC_OPEN_NAME_MAX + 1], big[QREXEC_OPEN_NAME_MAX + 2];

	for (size_t i = 0; i < ELEMENTSOF(rows); i++)
		is_int(qrexec_open_header_parse(rows[i].in, strlen(rows[i].in), name), rows[i].want,
		       "open header #%zu", i);
	qrexec_open_header_parse("report.pdf\nrest", 15, name);
	is_str(name, "report.pdf", "the name is the line, without the newline");
	memset(big, 'a', sizeof(big));
	is_int(qrexec_open_header_parse(big, QREXEC_OPEN_NAME_MAX, name), 0,
	       "255 bytes without a newline may still become a name");
	is_int(qrexec_open_header_parse(big, sizeof(big), name), -EINVAL,
	       "a 256-byte line never can");
}

/* bulkheadd's answer on the dispvm socket (dispvm-client.c): a name only when it is valid. */
static void test_dispvm_reply(void)
{
	char ok_line[] = "OK disp42", bad_name[] = "OK ../x", err[] = "ERR no template",
	     junk[] = "hello", empty_err[] = "ERR ";
	const char *name = "x";

	ok(!qrexec_dispvm_reply_parse(ok_line, &name) && streq(name, "disp42"),
	   "dispvm reply: OK with a name");
	ok(qrexec_dispvm_reply_parse(bad_name, &name) && !name, "  OK with no valid name: refused");
	is_str(qrexec_dispvm_reply_parse(err, &name), "no template", "  ERR: bulkheadd's reason");
	ok(qrexec_dispvm_reply_parse(junk, &name) && !name, "  anything else: refused");
	ok(qrexec_dispvm_reply_parse(empty_err, &name) && !name, "  ERR without a reason too");
}

int main(void)
{
	test_dispvm_reply();
	test_call_request();
	test_open_header();
	test_small_messages();
	test_exec_request();
	test_urls();
	ok(qrexec_target_is_valid("@adminvm"), "@adminvm is a request target");
	return tap_done();
}
