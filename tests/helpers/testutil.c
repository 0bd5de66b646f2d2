/* nftw */
#define _XOPEN_SOURCE 700

#include "helpers/testutil.h"

#include <ftw.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tu_skipped(const char *what, const char *reason)
{
    fprintf(stderr, "skipped: %s: %s\n", what, reason);
    const char *log = getenv("TCPL_SKIP_LOG");
    FILE *f = log && *log ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s: %s\n", what, reason);
        fclose(f);
    }
}

const char *tu_corpus(void)
{
    static int reported; /* one log line per test binary */
    const char *c = getenv("TCPL_CORPUS");
    if (!c || !*c)
        c = "../shared/corpus";
    struct stat st;
    if (stat(c, &st) == 0 && S_ISDIR(st.st_mode))
        return c;
    const char *req = getenv("TCPL_REQUIRE_CORPUS");
    if (req && !strcmp(req, "1")) {
        fprintf(stderr, "FAIL: TCPL_REQUIRE_CORPUS=1 but there is no corpus at %s "
                        "(set TCPL_CORPUS): the corpus tests cannot run\n", c);
        exit(1);
    }
    if (!reported) {
        char reason[600];
        snprintf(reason, sizeof reason, "no corpus at %.500s (set TCPL_CORPUS)", c);
        tu_skipped("corpus tests", reason);
        reported = 1;
    }
    return NULL;
}

char *tu_corpus_file(const char *name)
{
    const char *c = tu_corpus();
    if (!c)
        return NULL;
    size_t n = strlen(c) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", c, name);
    return p;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t r;
    while (p && (r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (!p)
        return NULL;
    p[n] = 0;
    if (len)
        *len = n;
    return p;
}

tcpl_ctx *tu_ctx(void)
{
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_ctx_options o = {"vi", NULL};
    if (tcpl_ctx_new(&ctx, &o, &err) < 0) {
        fprintf(stderr, "tu_ctx: %s %s\n", err.id ? err.id : "", err.detail);
        abort();
    }
    return ctx;
}

int tu_glibc_malloc(void)
{
    struct mallinfo2 a = mallinfo2();
    void *volatile p = malloc(64 * 1024);
    struct mallinfo2 b = mallinfo2();
    free(p);
    return b.uordblks + b.hblkhd - (a.uordblks + a.hblkhd) >= 64 * 1024;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

int tu_rm_rf(const char *dir)
{
    return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
