/* fuzz.h — what the libFuzzer targets in tests/fuzz/ share: a check that
 * aborts with a message (libFuzzer then saves the input as a crash), so a
 * broken invariant is reported like a memory error. */
#ifndef LOA_FUZZ_H
#define LOA_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond, ...)                                                 \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, \
				__LINE__, #cond);                             \
			fprintf(stderr, __VA_ARGS__);                         \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
