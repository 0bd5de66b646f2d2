#ifndef TCPL_TESTUTIL_H
#define TCPL_TESTUTIL_H
/* Shared by the cmocka tests. Include after <setjmp.h>/<cmocka.h>. */
#include <stddef.h>
#include <string.h>

#include "tcpl/tcpl.h"

/* The shared corpus: $TCPL_CORPUS or ../shared/corpus.  When it is absent:
 * NULL, and the reason goes to the skip log (tu_skipped) so `make check`
 * says what was not tested; with TCPL_REQUIRE_CORPUS=1 (.ci/run sets it) the
 * test binary fails instead, so no corpus test can pass by skipping. */
const char *tu_corpus(void);
/* corpus path + "/" + name into a static-free malloc'd string (free()). */
char *tu_corpus_file(const char *name);
/* Reads a whole file (NUL-terminated, free()); NULL on failure. */
char *tu_read_file(const char *path, size_t *len);
/* A context with the built-in data, Vietnamese messages. Aborts on failure. */
tcpl_ctx *tu_ctx(void);

/* Records why something was not tested: one line "what: reason" appended to
 * $TCPL_SKIP_LOG (the test runner, tools/runtests.sh, sets it per binary and
 * prints every reason after the run) and to stderr. */
void tu_skipped(const char *what, const char *reason);
/* Skips the current cmocka test, saying why. */
#define TU_SKIP(reason)                                                                            \
    do {                                                                                           \
        tu_skipped(__func__, reason);                                                              \
        skip();                                                                                    \
    } while (0)

/* Non-vacuous checks: a loop whose assertions run zero times proves
 * nothing.  Each fails the test when the count it is given is 0. */
#define TU_ASSERT_NONEMPTY(n, what)                                                                \
    do {                                                                                           \
        if ((n) == 0) {                                                                            \
            print_error("%s:%d: %s is empty: the checks over it would pass vacuously\n",           \
                        __FILE__, __LINE__, what);                                                 \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* hay contains needle, and needle is not empty (strstr(hay, "") is always
 * true: an empty expected string from a data file proves nothing). */
#define TU_ASSERT_CONTAINS(hay, needle)                                                            \
    do {                                                                                           \
        const char *tu_n_ = (needle);                                                              \
        assert_non_null(tu_n_);                                                                    \
        TU_ASSERT_NONEMPTY(tu_n_[0], #needle);                                                     \
        if (!strstr((hay), tu_n_))                                                                 \
            fail_msg("%s:%d: %s does not contain \"%s\"", __FILE__, __LINE__, #hay, tu_n_);        \
    } while (0)
/* ... and does not contain it. */
#define TU_ASSERT_LACKS(hay, needle)                                                               \
    do {                                                                                           \
        const char *tu_n_ = (needle);                                                              \
        assert_non_null(tu_n_);                                                                    \
        TU_ASSERT_NONEMPTY(tu_n_[0], #needle);                                                     \
        if (strstr((hay), tu_n_))                                                                  \
            fail_msg("%s:%d: %s contains \"%s\"", __FILE__, __LINE__, #hay, tu_n_);                \
    } while (0)

/* 1 when malloc is glibc's (its mallinfo2 counts a 64 KB block): a
 * sanitizer's allocator is not, keeps freed memory in quarantine and makes
 * heap and peak-RSS ceilings meaningless. */
int tu_glibc_malloc(void);

/* Removes dir and everything under it (links are removed, never
 * followed); 0, or -1 when something could not be removed. */
int tu_rm_rf(const char *dir);

#endif
