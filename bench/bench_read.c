/* bench_read FILE...: reads every file with tcpl (read + text) and with a bare
 * inflate + XML scan (libzip + libxml2 reader, no model), and prints
 * documents/s, MB/s of XML and peak RSS for each.  Run by bench/run.sh. */
#include <libxml/xmlreader.h>
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

/* Inflate every .xml entry and scan it with the streaming reader. */
static size_t bare_scan(const char *path)
{
    int e;
    zip_t *z = zip_open(path, ZIP_RDONLY, &e);
    if (!z)
        return 0;
    size_t total = 0;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t nl = name ? strlen(name) : 0;
        if (nl < 4 || (strcmp(name + nl - 4, ".xml") && strcmp(name + nl - 5, ".rels")))
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
            xmlTextReaderPtr r = xmlReaderForMemory(buf, (int)got, NULL, NULL, XML_PARSE_NONET);
            while (r && xmlTextReaderRead(r) == 1)
                ;
            if (r)
                xmlFreeTextReader(r);
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
    /* tcpl: read + text, the work of `tcpl text`. */
    size_t xml = 0;
    int failed = 0;
    long rss_tenth = 0;
    double t0 = now();
    for (int i = 1; i < argc; i++) {
        tcpl_doc *doc = NULL;
        if (tcpl_docx_read(&doc, ctx, argv[i], &err) < 0) {
            failed++;
            continue;
        }
        char *s;
        size_t n;
        if (tcpl_doc_text(doc, TCPL_TEXT_BODY, &s, &n, &err) == 0)
            free(s);
        xml += tcpl_doc_xml_bytes(doc);
        tcpl_doc_free(doc);
        if (i == nfiles / 10)
            rss_tenth = peak_rss_kb();
    }
    double t_tcpl = now() - t0;
    long rss_all = peak_rss_kb();
    t0 = now();
    size_t bare_xml = 0;
    for (int i = 1; i < argc; i++)
        bare_xml += bare_scan(argv[i]);
    double t_bare = now() - t0;
    printf("files                 %d (%d unreadable)\n", nfiles, failed);
    printf("tcpl read+text        %.3f s  %.0f docs/s  %.1f MB/s of XML (%.1f MB)\n", t_tcpl,
           nfiles / t_tcpl, xml / 1e6 / t_tcpl, xml / 1e6);
    printf("bare inflate+scan     %.3f s  %.0f docs/s  %.1f MB/s of XML (%.1f MB, all .xml parts)\n",
           t_bare, nfiles / t_bare, bare_xml / 1e6 / t_bare, bare_xml / 1e6);
    printf("tcpl / bare time      %.2fx\n", t_tcpl / t_bare);
    printf("peak RSS              %ld KB after %d files, %ld KB after %d files\n", rss_tenth,
           nfiles / 10, rss_all, nfiles);
    tcpl_ctx_free(ctx);
    return 0;
}
