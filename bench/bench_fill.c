/* bench_fill TEMPLATE.docx DATA.json N [WARMUP]: compiles the template once,
 * fills it WARMUP (10) times untimed, then N times in memory from the data
 * (each output freed), and prints documents/s, the output size and peak
 * RSS.  Run by bench/bench_fill.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "clock.h"
#include "tcpl/tcpl.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User + system CPU seconds of this process: on a shared machine the wall
 * time also counts waiting for a core. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = 0;
        *len = (size_t)n;
    }
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: bench_fill TEMPLATE.docx DATA.json N [WARMUP]\n");
        return 2;
    }
    long n = atol(argv[3]);
    long warm = argc == 5 ? atol(argv[4]) : 10;
    size_t jlen;
    char *json = slurp(argv[2], &jlen);
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_ctx_options co = {NULL, NULL};
    if (!json || tcpl_ctx_new(&ctx, &co, &err) < 0) {
        fprintf(stderr, "bench_fill: cannot start (%s)\n", json ? err.id : argv[2]);
        return 1;
    }
    double t0 = now();
    tcpl_template *t = NULL;
    if (tcpl_template_compile(&t, ctx, argv[1], NULL, &err) < 0) {
        fprintf(stderr, "bench_fill: %s: %s %s\n", argv[1], err.id, err.detail);
        return 1;
    }
    double tc = now(), t1 = tc;
    size_t total = 0;
    double c1 = 0;
    for (long i = -warm; i < n; i++) {
        if (i == 0) {
            t1 = now();
            c1 = cpu_s();
            total = 0;
        }
        void *out;
        size_t len;
        if (tcpl_template_fill(&out, &len, t, json, jlen, NULL, &err) < 0) {
            fprintf(stderr, "bench_fill: fill: %s %s %s\n", err.id, err.where, err.detail);
            return 1;
        }
        total += len;
        free(out);
    }
    double t2 = now(), c2 = cpu_s();
    double ghz = bench_clock_ghz(200000000UL);
    printf("tcpl fill, %ld documents, one process   compile %.2f ms, wall %.3f s, CPU %.3f s, "
           "%.0f docs/s per CPU second (%.0f wall), %.0f KB per document, peak RSS %ld KB; "
           "clock probe %.2f GHz\n",
           n, (tc - t0) * 1000, t2 - t1, c2 - c1, n / (c2 - c1), n / (t2 - t1),
           total / 1024.0 / (n ? n : 1), peak_rss_kb(), ghz);
    tcpl_template_free(t);
    tcpl_ctx_free(ctx);
    free(json);
    return 0;
}
