/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policy benchmark (issue: load under 50 ms, p50 decision under 5 us for 10,000 rules over 200
 * services). A generated policy is written to a scratch directory in 10 files and loaded from
 * there; then a fixed pseudo-random mix of requests is decided with the service index and, as
 * the baseline measured in the same run, with a linear scan of every rule. Timings are reported
 * as TAP diagnostics and never asserted; what is asserted is that both give the same answers.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "policy-internal.h"
#include "tap.h"

#define N_SERVICES 200
#define N_RULES 10000
#define N_FILES 10
#define N_VMS 100
#define N_REQUESTS 20000
#define LOAD_RUNS 11

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same sequence every run, so runs compare. */
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One generated rule: mostly VM-to-VM rules of one service, some tag rules, some "*" rules. */
static void write_rule(FILE *f, unsigned i)
{
	static const char *const actions[] = { "allow", "deny", "allow", "allow" };
	unsigned svc = rnd(N_SERVICES), kind = rnd(100);

	if (kind < 1)
		fprintf(f, "* * vm%u vm%u deny\n", rnd(N_VMS), rnd(N_VMS));
	else if (kind < 10)
		fprintf(f, "bulkhead.S%u * @tag:t%u vm%u allow\n", svc, rnd(10), rnd(N_VMS));
	else if (kind < 30)
		fprintf(f, "bulkhead.S%u +arg%u vm%u vm%u %s notify=yes\n", svc, rnd(4), rnd(N_VMS),
			rnd(N_VMS), actions[i % 4]);
	else
		fprintf(f, "bulkhead.S%u * vm%u vm%u %s\n", svc, rnd(N_VMS), rnd(N_VMS),
			actions[i % 4]);
}

static void write_policy(const char *dir)
{
	for (unsigned file = 0; file < N_FILES; file++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%02u-gen.policy", dir, file * 10);
		FILE *f = fopen(path, "we");
		if (!f)
			tap_bail_out("cannot write the generated policy");
		fprintf(f, "# generated: %u rules of %u\n", N_RULES / N_FILES, N_RULES);
		for (unsigned i = 0; i < N_RULES / N_FILES - (file == N_FILES - 1); i++)
			write_rule(f, i);
		if (file == N_FILES - 1)
			fprintf(f, "* * @anyvm @anyvm deny\n");
		fclose(f);
	}
}

static struct policy_system_info *make_system_info(void)
{
	_cleanup_free_ char *json = NULL;
	struct policy_system_info *info = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&json, &size);

	fprintf(f, "{\"domains\": {\"dom0\": {\"type\": \"AdminVM\", \"power_state\": \"Running\"},"
		   "\"dvm\": {\"type\": \"AppVM\", \"template_for_dispvms\": true}");
	for (unsigned i = 0; i < N_VMS; i++)
		fprintf(f,
			", \"vm%u\": {\"type\": \"AppVM\", \"tags\": [\"t%u\"], \"default_dispvm\": "
			"\"dvm\", \"power_state\": \"Running\"}",
			i, i % 10);
	fprintf(f, "}}");
	fclose(f);
	if (policy_system_info_parse(json, size, &info, NULL) < 0)
		tap_bail_out("cannot parse the generated system info");
	return info;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double load_ms(const char *dir, struct policy **ret)
{
	uint64_t t[LOAD_RUNS];
	const char *dirs[] = { dir };

	for (int i = 0; i < LOAD_RUNS; i++) {
		struct policy *p = NULL;
		uint64_t t0 = now_ns();
		if (policy_load(dirs, 1, &p) != 0)
			tap_bail_out("the generated policy does not load");
		t[i] = now_ns() - t0;
		if (i == LOAD_RUNS - 1)
			*ret = p;
		else
			policy_free(p);
	}
	qsort(t, LOAD_RUNS, sizeof(uint64_t), compare_u64);
	return (double)t[LOAD_RUNS / 2] / 1e6;
}

/* Requests: half of them copied from a random rule (so they match somewhere in the middle of
 * their service's rules), half random (mostly falling through to the last rule). */
struct request_buf {
	char service[32], argument[16], source[16], target[16];
};

static void make_request(const struct policy *p, struct request_buf *b, struct policy_request *r)
{
	struct policy_rule_info ri;

	snprintf(b->service, sizeof(b->service), "bulkhead.S%u", rnd(N_SERVICES));
	snprintf(b->argument, sizeof(b->argument), "arg%u", rnd(4));
	snprintf(b->source, sizeof(b->source), "vm%u", rnd(N_VMS));
	snprintf(b->target, sizeof(b->target), "vm%u", rnd(N_VMS));
	if (rnd(2) && policy_rule_get(p, rnd((uint32_t)policy_rule_count(p)), &ri) == 0 &&
	    !streq(ri.service, "*") && ri.source[0] != '@') {
		snprintf(b->service, sizeof(b->service), "%s", ri.service);
		snprintf(b->source, sizeof(b->source), "%s", ri.source);
		snprintf(b->target, sizeof(b->target), "%s", ri.target);
	}
	*r = (struct policy_request){ b->service, b->argument, b->source, b->target };
}

typedef int (*evaluate_fn)(const struct policy *, const struct policy_request *,
			   const struct policy_system_info *, struct policy_decision *);

/* Time every request with fn; fill p50/p99 in microseconds; count the allows (a checksum). */
static unsigned run(evaluate_fn fn, const struct policy *p, const struct policy_system_info *info,
		    const struct policy_request *reqs, double *p50, double *p99)
{
	static uint64_t t[N_REQUESTS];
	unsigned allows = 0;

	for (size_t i = 0; i < N_REQUESTS; i++) {
		struct policy_decision d;
		uint64_t t0 = now_ns();
		fn(p, &reqs[i], info, &d);
		t[i] = now_ns() - t0;
		allows += d.result == POLICY_ALLOW ? (unsigned)i : 0;
		policy_decision_finish(&d);
	}
	qsort(t, N_REQUESTS, sizeof(uint64_t), compare_u64);
	*p50 = (double)t[N_REQUESTS / 2] / 1e3;
	*p99 = (double)t[N_REQUESTS * 99 / 100] / 1e3;
	return allows;
}

/* Both ways must find the same rule and the same decision for every request. */
static unsigned count_mismatches(const struct policy *p, const struct policy_system_info *info,
				 const struct policy_request *reqs)
{
	unsigned bad = 0;

	for (size_t i = 0; i < N_REQUESTS; i++) {
		struct policy_decision a, b;
		policy_evaluate(p, &reqs[i], info, &a);
		policy_evaluate_linear(p, &reqs[i], info, &b);
		bad += a.result != b.result || a.matched_line != b.matched_line ||
		       !streq_ptr(a.matched_file, b.matched_file) || !streq_ptr(a.target, b.target);
		policy_decision_finish(&a);
		policy_decision_finish(&b);
	}
	return bad;
}

static void bench_evaluate(const struct policy *p, const struct policy_system_info *info)
{
	static struct request_buf bufs[N_REQUESTS];
	static struct policy_request reqs[N_REQUESTS];
	double p50, p99, lp50, lp99;
	unsigned sum, lsum;

	for (size_t i = 0; i < N_REQUESTS; i++)
		make_request(p, &bufs[i], &reqs[i]);
	run(policy_evaluate, p, info, reqs, &p50, &p99); /* warm the caches */
	sum = run(policy_evaluate, p, info, reqs, &p50, &p99);
	lsum = run(policy_evaluate_linear, p, info, reqs, &lp50, &lp99);
	is_int(sum, lsum, "the same allows with and without the index");
	is_int(count_mismatches(p, info, reqs), 0,
	       "the index decides as the linear scan does (%d "
	       "requests)",
	       N_REQUESTS);
	ok(true, "evaluate: p50 %.2f us, p99 %.2f us", p50, p99);
	diag("evaluate with the service index: p50 %.2f us, p99 %.2f us", p50, p99);
	diag("baseline, linear scan of all rules: p50 %.2f us, p99 %.2f us", lp50, lp99);
	diag("ratio linear/index: p50 %.1fx, p99 %.1fx (target: p50 < 5 us)", lp50 / p50,
	     lp99 / p99);
}

int main(void)
{
	char dir[] = "/tmp/bench-policy-XXXXXX";
	struct policy_system_info *info = make_system_info();
	struct policy *p = NULL;
	double ms;

	if (!mkdtemp(dir))
		tap_bail_out("mkdtemp");
	write_policy(dir);
	ms = load_ms(dir, &p);
	is_int(policy_rule_count(p), N_RULES, "the generated policy has %d rules", N_RULES);
	ok(true, "load: %.2f ms", ms);
	diag("load of %d rules over %d services in %d files: %.2f ms (median of %d; target < 50)",
	     N_RULES, N_SERVICES, N_FILES, ms, LOAD_RUNS);
	bench_evaluate(p, info);
	policy_free(p);
	policy_system_info_free(info);
	_cleanup_free_ char *cmd = str_new_printf("rm -rf '%s'", dir);
	if (cmd && system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
