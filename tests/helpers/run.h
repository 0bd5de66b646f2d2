#ifndef TCPL_TEST_RUN_H
#define TCPL_TEST_RUN_H
/* Running the tcpl program from a test ($TCPL_BIN, default build/tcpl).
 * Include after <setjmp.h>/<cmocka.h>. */
#include <stddef.h>
#include <sys/types.h>

typedef struct tu_result {
    int status; /* exit code, or -1 if killed by a signal */
    char *out, *err;
    size_t out_len, err_len;
} tu_result;

void tu_result_free(tu_result *r);

/* Starts tcpl with args (NULL-terminated), stdout and stderr into
 * dir/.stdout and dir/.stderr.  The environment is the test's without
 * TCPL_LANG and TCPL_TODAY, plus env ("NAME=value" entries, NULL-terminated;
 * may be NULL).  Fails the test if it cannot start. */
pid_t tu_tcpl_start(const char *dir, const char *const *args, const char *const *env);
/* Waits for pid and reads its output into r (then removes the files). */
void tu_tcpl_finish(tu_result *r, const char *dir, pid_t pid);
/* Both. */
void tu_tcpl_run(tu_result *r, const char *dir, const char *const *args, const char *const *env);

/* tu_tcpl_run with TCPL_LANG=lang, or with no TCPL_LANG when lang is NULL. */
void tu_tcpl_run_lang(tu_result *r, const char *dir, const char *lang, const char *const *args);
/* The output of `tcpl text docx` (free()); it must succeed. */
char *tu_tcpl_text(const char *dir, const char *docx);
/* dir + "/" + name (free()). */
char *tu_path_in(const char *dir, const char *name);

/* Removes the files directly in dir, then dir (a test's scratch folder). */
void tu_tmpdir_remove(const char *dir);

#define TU_ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

#endif
