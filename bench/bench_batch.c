/* bench_batch MODE FILE...: one pass over the files in this process, then
 * "seconds docs MB peak_rss_kb" on stdout.  MODE:
 *   floor-doc   inflate + libxml2 SAX2 (no handlers) over word/document.xml
 *   floor-dsn   the same over document.xml, styles.xml and numbering.xml
 *   text        tcpl read + body text (the work of `tcpl text`)
 *   extract     tcpl read + extract + JSON (the work of `tcpl extract --json`)
 *   text+reader, extract+reader   the same through one tcpl_reader with a
 *               part cache (tcpl_part_cache), as a batch would read
 * MB is the size of the inflated document.xml parts (the same for every
 * mode, so MB/s compare).  Run by bench/run.sh for the office corpora.
 *
 * bench_batch phases OUT JOBS INPUT...: one tcpl_batch_run, and the CPU
 * (user + system, all threads: getrusage) and wall seconds of its phases,
 * cut where the progress callback is first and last called:
 *   setup    context, extractor, checker with the default packs, as
 *            `tcpl batch` sets them up (without the packs the workers check
 *            nothing and their time is half a real run's)
 *   walk     sweeping old temporaries, the fingerprint, listing and
 *            sorting the inputs, starting the threads (and the first input)
 *   workers  every other input: read, hash, check, result written
 *   finish   duplicates, summaries, report.html (serial)
 * printed as "phase cpu_s wall_s main_s", one line each: main_s is the CPU
 * of the calling thread alone (RUSAGE_THREAD; the cpu_s column where not
 * Linux, and for the walk, which ends on any thread), for the finish the
 * part no helper thread takes: on a loaded
 * machine the wall time waits for cores, that column does not.
 *
 * bench_batch clock: each CPU's clock right now (dependent additions per
 * CPU second, one a cycle), pinned to one CPU after the other.  This VM's
 * host at times runs one vCPU at a third of its speed for minutes: a wall
 * figure taken then measures the host, and this line says so. */
#ifdef __linux__
#define _GNU_SOURCE /* RUSAGE_THREAD */
#endif
#include <libxml/parser.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#ifdef __linux__
#include <sched.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "clock.h"
#include "tcpl/batch.h"
#include "tcpl/tcpl.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t sax_part(zip_t *z, const char *name, int parse)
{
    zip_stat_t st;
    if (zip_stat(z, name, 0, &st) < 0)
        return 0;
    char *buf = malloc(st.size + 1);
    zip_file_t *f = zip_fopen(z, name, 0);
    zip_int64_t got = f && buf ? zip_fread(f, buf, st.size) : -1;
    if (f)
        zip_fclose(f);
    if (got > 0 && parse) {
        xmlSAXHandler sax;
        memset(&sax, 0, sizeof sax);
        sax.initialized = XML_SAX2_MAGIC;
        xmlSAXUserParseMemory(&sax, NULL, buf, (int)got);
    }
    free(buf);
    return got > 0 ? (size_t)got : 0;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static double cpu_self(void)
{
#ifdef RUSAGE_THREAD
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
#else
    return cpu();
#endif
}

typedef struct mark {
    double cpu, wall, self;
} mark;

static mark mark_now(void)
{
    return (mark){cpu(), now(), cpu_self()};
}

typedef struct phases {
    mark first, last;
    int seen;
    pthread_t main; /* the thread that called tcpl_batch_run (worker 0) */
    double main_first, main_last; /* its own CPU at its first and last input */
    int main_seen;
} phases;

/* Called by any worker, one at a time (under the batch's lock). */
static void on_progress(void *user, const tcpl_batch_progress *p)
{
    phases *ph = user;
    if (!ph->seen++)
        ph->first = mark_now();
    if (p->done == p->total)
        ph->last = mark_now();
    if (pthread_equal(pthread_self(), ph->main)) {
        double self = cpu_self();
        if (!ph->main_seen++)
            ph->main_first = self;
        ph->main_last = self;
    }
}

static int run_phases(int argc, char **argv)
{
    if (argc < 5)
        return 2;
#ifdef __GLIBC__
    /* as cmd/tcpl/main.c sets them for every tcpl command */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    if (!getenv("TZ") && access("/etc/localtime", R_OK) == 0)
        setenv("TZ", ":/etc/localtime", 0);
#endif
    mark t0 = mark_now();
    tcpl_ctx *ctx = NULL;
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    tcpl_error err;
    if (tcpl_ctx_new(&ctx, NULL, &err) < 0 || tcpl_extractor_new(&ex, ctx, &err) < 0 ||
        tcpl_checker_new(&ck, ctx, &err) < 0 || tcpl_checker_add_default_packs(ck, &err) < 0)
        return 4;
    mark t1 = mark_now();
    phases ph;
    memset(&ph, 0, sizeof ph);
    tcpl_batch_options o;
    memset(&o, 0, sizeof o);
    o.out_dir = argv[2];
    o.jobs = (unsigned)atoi(argv[3]);
    o.inputs = (const char *const *)argv + 4;
    o.ninputs = (size_t)(argc - 4);
    o.progress = on_progress;
    o.user = &ph;
    ph.main = pthread_self();
    /* as cmd/tcpl/cmd_batch.c: no pack files (an empty salt), today's date */
    o.rules_salt = "";
    char today[16] = "";
    time_t tt = time(NULL);
    struct tm tm;
    if (localtime_r(&tt, &tm))
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
    o.today = today[0] ? today : NULL;
    tcpl_batch_totals t;
    int rc = tcpl_batch_run(&t, ctx, ex, ck, &o, &err);
    mark t2 = mark_now();
    if (rc < 0 || !ph.seen || !ph.main_seen)
        return 4;
    /* this thread's own CPU: from its first to its last input for the
     * workers, from its last input (it then only waits for the others) to
     * the end for the finish */
    printf("setup %.3f %.3f %.3f\nwalk %.3f %.3f %.3f\nworkers %.3f %.3f %.3f\n"
           "finish %.3f %.3f %.3f\nfiles %zu\n",
           t1.cpu - t0.cpu, t1.wall - t0.wall, t1.self - t0.self, ph.first.cpu - t1.cpu,
           ph.first.wall - t1.wall, ph.first.cpu - t1.cpu, ph.last.cpu - ph.first.cpu,
           ph.last.wall - ph.first.wall, ph.main_last - ph.main_first, t2.cpu - ph.last.cpu,
           t2.wall - ph.last.wall, t2.self - ph.main_last, t.files);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return 0;
}

static int run_clock(void)
{
#ifdef __linux__
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    printf("clock probe:");
    for (long c = 0; c < ncpu && c < 64; c++) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET((int)c, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            continue;
        printf(" cpu%ld %.2f GHz", c, bench_clock_ghz(300000000UL));
    }
    printf("\n");
#else
    printf("clock probe: not measured here\n");
#endif
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "clock"))
        return run_clock();
    if (argc > 1 && !strcmp(argv[1], "phases"))
        return run_phases(argc, argv);
    if (argc < 3) {
        fprintf(stderr, "usage: bench_batch floor-doc|floor-dsn|text|extract FILE...\n"
                        "       bench_batch phases OUT JOBS INPUT...\n"
                        "       bench_batch clock\n");
        return 2;
    }
    const char *mode = argv[1];
    int floor_doc = !strcmp(mode, "floor-doc"), floor_dsn = !strcmp(mode, "floor-dsn");
    int use_reader = strstr(mode, "+reader") != NULL;
    int text = !strncmp(mode, "text", 4), extract = !strncmp(mode, "extract", 7);
    if (!floor_doc && !floor_dsn && !text && !extract)
        return 2;
    tcpl_ctx *ctx = NULL;
    tcpl_extractor *ex = NULL;
    tcpl_error err;
    if (tcpl_ctx_new(&ctx, NULL, &err) < 0)
        return 4;
    if (extract && tcpl_extractor_new(&ex, ctx, &err) < 0)
        return 4;
    tcpl_part_cache *cache = NULL;
    tcpl_reader *rd = NULL;
    if (use_reader &&
        (tcpl_part_cache_new(&cache, 0, &err) < 0 || tcpl_reader_new(&rd, ctx, cache, &err) < 0))
        return 4;
    size_t bytes = 0;
    int failed = 0;
    /* MB of the document parts, as the floors count them (outside the timing). */
    for (int i = 2; i < argc && (text || extract); i++) {
        int e;
        zip_t *z = zip_open(argv[i], ZIP_RDONLY, &e);
        zip_stat_t st;
        if (z && zip_stat(z, "word/document.xml", 0, &st) == 0)
            bytes += st.size;
        if (z)
            zip_discard(z);
    }
    double t0 = now();
    for (int i = 2; i < argc; i++) {
        if (floor_doc || floor_dsn) {
            int e;
            zip_t *z = zip_open(argv[i], ZIP_RDONLY, &e);
            if (!z) {
                failed++;
                continue;
            }
            bytes += sax_part(z, "word/document.xml", 1);
            if (floor_dsn) {
                sax_part(z, "word/styles.xml", 1);
                sax_part(z, "word/numbering.xml", 1);
            }
            zip_discard(z);
            continue;
        }
        tcpl_doc *doc = NULL;
        if ((rd ? tcpl_reader_read(rd, &doc, argv[i], &err)
                : tcpl_docx_read(&doc, ctx, argv[i], &err)) < 0) {
            failed++;
            continue;
        }
        char *s = NULL;
        size_t n;
        if (text && tcpl_doc_text(&s, &n, doc, TCPL_TEXT_BODY, &err) == 0)
            free(s);
        if (extract) {
            tcpl_extraction *x = NULL;
            if (tcpl_extract(&x, ex, doc, &err) == 0 &&
                tcpl_extraction_json(&s, &n, x, 0, &err) == 0)
                free(s);
            tcpl_extraction_free(x);
        }
        tcpl_doc_free(doc);
    }
    double t = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%.4f %d %.3f %ld %d\n", t, argc - 2, bytes / 1e6, ru.ru_maxrss, failed);
    tcpl_reader_free(rd);
    tcpl_part_cache_free(cache);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return 0;
}
