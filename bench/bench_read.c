/* bench_read FILE...: reads every file with tcpl (read, read + text, read +
 * extract) and with a bare inflate + SAX scan (libzip + libxml2, no model), and prints
 * documents/s, MB/s of XML and peak RSS for each.  Run by bench/run.sh. */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zip.h>

#include "tcpl/tcpl.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The parts tcpl reads (by their usual names, for the baseline). */
static int wanted(const char *name)
{
    static const char *prefixes[] = {"word/document",  "word/styles.xml", "word/numbering",
                                     "word/footnotes", "word/endnotes",   "word/header",
                                     "word/footer",    "_rels/.rels",     "word/_rels/document",
                                     "[Content_Types]"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}

/* Inflate the same parts and run libxml2's SAX2 parser over them with no
 * handlers: the least any XML-based reader must do. */
static size_t bare_scan(const char *path)
{
    int e;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    if (!z)
        return 0;
    size_t total = 0;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (!name || !wanted(name))
            continue;
        zip_stat_t st;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0)
            continue;
        char *buf = malloc(st.size + 1);
        zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
        zip_int64_t got = f ? zip_fread(f, buf, st.size) : -1;
        if (f)
            zip_fclose(f);
        if (got > 0) {
            xmlSAXUserParseMemory(&sax, NULL, buf, (int)got);
            total += (size_t)got;
        }
        free(buf);
    }
    zip_discard(z);
    return total;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_read FILE...\n");
        return 2;
    }
    tcpl_ctx *ctx;
    tcpl_error err;
    if (tcpl_ctx_new(&ctx, NULL, &err) < 0)
        return 4;
    int nfiles = argc - 1;
    tcpl_extractor *ex = NULL;
    tcpl_checker *ck = NULL;
    if (tcpl_extractor_new(&ex, ctx, &err) < 0 || tcpl_checker_new(&ck, ctx, &err) < 0 ||
        tcpl_checker_add_default_packs(ck, &err) < 0)
        return 4;
    /* Four passes over the same files: read only, read + text (the work
     * of `tcpl text`), read + extract (`tcpl extract --json`), read +
     * extract + check (`tcpl check --format json`). */
    double t[4];
    size_t findings = 0;
    size_t xml = 0;
    int failed = 0;
    long rss_tenth = 0;
    for (int pass = 0; pass < 4; pass++) {
        double t0 = now();
        for (int i = 1; i < argc; i++) {
            tcpl_doc *doc = NULL;
            if (tcpl_docx_read(&doc, ctx, argv[i], &err) < 0) {
                failed += pass == 0;
                continue;
            }
            char *s = NULL;
            size_t n;
            if (pass == 1 && tcpl_doc_text(&s, &n, doc, TCPL_TEXT_BODY, &err) == 0)
                free(s);
            if (pass == 2) {
                tcpl_extraction *x = NULL;
                if (tcpl_extract(&x, ex, doc, &err) == 0 &&
                    tcpl_extraction_json(&s, &n, x, 0, &err) == 0)
                    free(s);
                tcpl_extraction_free(x);
            }
            if (pass == 3) {
                tcpl_extraction *x = NULL;
                tcpl_findings *f = NULL;
                if (tcpl_extract(&x, ex, doc, &err) == 0 &&
                    tcpl_check(&f, ck, doc, x, NULL, &err) == 0 &&
                    tcpl_findings_json(&s, &n, f, x, 0, &err) == 0) {
                    findings += tcpl_findings_count(f);
                    free(s);
                }
                tcpl_findings_free(f);
                tcpl_extraction_free(x);
            }
            if (pass == 0)
                xml += tcpl_doc_xml_bytes(doc);
            tcpl_doc_free(doc);
            if (pass == 2 && i == nfiles / 10)
                rss_tenth = peak_rss_kb();
        }
        t[pass] = now() - t0;
    }
    long rss_all = peak_rss_kb();
    double t0 = now();
    size_t bare_xml = 0;
    for (int i = 1; i < argc; i++)
        bare_xml += bare_scan(argv[i]);
    double t_bare = now() - t0;
    printf("files                 %d (%d unreadable)\n", nfiles, failed);
    printf("tcpl read             %.3f s  %.0f docs/s  %.1f MB/s of XML (%.1f MB read)\n", t[0],
           nfiles / t[0], xml / 1e6 / t[0], xml / 1e6);
    printf("tcpl read+text        %.3f s  %.0f docs/s  %.1f MB/s of XML\n", t[1], nfiles / t[1],
           xml / 1e6 / t[1]);
    printf(
        "tcpl read+extract     %.3f s  %.0f docs/s  %.1f MB/s of XML  (extraction adds %.0f%% to "
        "reading)\n",
        t[2], nfiles / t[2], xml / 1e6 / t[2], 100.0 * (t[2] - t[0]) / t[0]);
    printf("tcpl read+extract+check %.3f s  %.0f docs/s  (checking adds %.0f%% to read+extract; "
           "%zu findings)\n",
           t[3], nfiles / t[3], 100.0 * (t[3] - t[2]) / t[2], findings);
    printf("bare inflate+SAX scan %.3f s  %.0f docs/s  %.1f MB/s of XML (%.1f MB, same parts)\n",
           t_bare, nfiles / t_bare, bare_xml / 1e6 / t_bare, bare_xml / 1e6);
    printf("read+text / bare      %.2fx the time per MB of XML\n",
           (t[1] / (double)xml) / (t_bare / (double)bare_xml));
    printf("peak RSS              %ld KB after %d files, %ld KB after all %d files x 4 passes\n",
           rss_tenth, nfiles / 10, rss_all, nfiles);
    tcpl_checker_free(ck);
    tcpl_extractor_free(ex);
    tcpl_ctx_free(ctx);
    return 0;
}
