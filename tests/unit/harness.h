/* harness — a one-file unit test harness (after cmark's api_test).
 *
 * Each TEST is a function; CHECK* record a failure with file:line and go
 * on. Each test prints `PASS name` or `FAIL name`, and main ends with
 * `N passed, M failed`; tests/run.sh adds the lines of every binary up. */
#ifndef LOA_HARNESS_H
#define LOA_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failed_checks;
static int harness_passed, harness_failed;

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			harness_failed_checks++;                                           \
		}                                                                          \
	} while (0)

#define CHECK_INT_EQ(a, b)                                                                 \
	do {                                                                               \
		long long harness_a = (long long)(a), harness_b = (long long)(b);          \
		if (harness_a != harness_b) {                                              \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__,   \
				__LINE__, #a, harness_a, harness_b);                       \
			harness_failed_checks++;                                           \
		}                                                                          \
	} while (0)

#define CHECK_STR_EQ(a, b)                                                                 \
	do {                                                                               \
		const char *harness_sa = (a), *harness_sb = (b);                           \
		if (!harness_sa || !harness_sb || strcmp(harness_sa, harness_sb) != 0) {   \
			fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n",         \
				__FILE__, __LINE__, #a, harness_sa ? harness_sa : "(null)", \
				harness_sb ? harness_sb : "(null)");                       \
			harness_failed_checks++;                                           \
		}                                                                          \
	} while (0)

/* s contains needle */
#define CHECK_CONTAINS(s, needle)                                                          \
	do {                                                                               \
		const char *harness_s = (s), *harness_n = (needle);                        \
		if (!harness_s || !strstr(harness_s, harness_n)) {                         \
			fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n",        \
				__FILE__, __LINE__, harness_s ? harness_s : "(null)",      \
				harness_n);                                                \
			harness_failed_checks++;                                           \
		}                                                                          \
	} while (0)

#define CHECK_NOT_CONTAINS(s, needle)                                                      \
	do {                                                                               \
		const char *harness_s = (s), *harness_n = (needle);                        \
		if (!harness_s || strstr(harness_s, harness_n)) {                          \
			fprintf(stderr, "  %s:%d: \"%s\" contains \"%s\"\n", __FILE__,      \
				__LINE__, harness_s ? harness_s : "(null)", harness_n);    \
			harness_failed_checks++;                                           \
		}                                                                          \
	} while (0)

#define TEST(name) static void name(void)

#define RUN(name)                                                                          \
	do {                                                                               \
		int harness_before = harness_failed_checks;                                \
		name();                                                                    \
		if (harness_failed_checks == harness_before) {                             \
			harness_passed++;                                                  \
			printf("PASS %s\n", #name);                                        \
		} else {                                                                   \
			harness_failed++;                                                  \
			printf("FAIL %s\n", #name);                                        \
		}                                                                          \
		fflush(stdout);                                                            \
	} while (0)

static inline int harness_report(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

#endif
