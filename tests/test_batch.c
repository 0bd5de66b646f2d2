/* tcpl batch, run as a program ($TCPL_BIN) over a generated folder of more
 * than 300 inputs: copies of the samples under many names and folders,
 * corrupt, truncated, empty, hostile and non-DOCX files, a .doc, a folder
 * loop through a symbolic link and names that are not UTF-8.  The inputs
 * are made in a temporary folder here, never committed. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/hostile.h"
#include "helpers/run.h"
#include "helpers/testutil.h"
#include "tcpl/batch.h"


static char root[64]; /* the temporary folder of this run */
static size_t n_inputs; /* entries the batch must list (files and skipped entries) */

static const char *samples[] = {"kh-xa-2025", "kl-kiem-tra-2025", "kh-khac-phuc-2026",
                                "kh-tinh-2022"};
enum { NSAMPLES = 4, COPIES = 80 };

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void put_in(const char *rel, const void *data, size_t len)
{
    char *p = tu_path_in(root, rel);
    put_file(p, data, len);
    free(p);
    n_inputs++;
}

static void mkdir_in(const char *rel)
{
    char *p = tu_path_in(root, rel);
    assert_int_equal(mkdir(p, 0777), 0);
    free(p);
}

typedef tu_result result;
#define result_free tu_result_free

/* Starts tcpl with args; env: extra "NAME=value" entries (NULL-terminated)
 * or NULL. */
static pid_t start(const char *const *args, const char *const *env)
{
    return tu_tcpl_start(root, args, env);
}

static void run_env(result *r, const char *const *args, const char *const *env)
{
    tu_tcpl_run(r, root, args, env);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
static const char *const lang_vi[] = {"TCPL_TODAY=2026-03-20", NULL};

static void run(result *r, const char *const *args)
{
    run_env(r, args, lang_vi);
}

static char *slurp(const char *dir, const char *name)
{
    char *p = tu_path_in(dir, name);
    size_t len;
    char *s = tu_read_file(p, &len);
    if (!s)
        fail_msg("cannot read %s", p);
    free(p);
    return s;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Names in a folder (sorted), joined by '\n'. */
static char *listing(const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    assert_true(n >= 0);
    size_t cap = 1;
    for (int i = 0; i < n; i++)
        cap += strlen(list[i]->d_name) + 1;
    char *s = calloc(1, cap);
    assert_non_null(s);
    for (int i = 0; i < n; i++) {
        strcat(s, list[i]->d_name);
        strcat(s, "\n");
        free(list[i]);
    }
    free(list);
    return s;
}

/* ---- the inputs --------------------------------------------------------- */

static unsigned char *sample[NSAMPLES];
static size_t sample_len[NSAMPLES];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/tcpl-batch-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char in[96];
    snprintf(in, sizeof in, "%s/in", root);
    if (mkdir(in, 0777) < 0)
        return -1;
    for (int s = 0; s < NSAMPLES; s++) {
        char path[96];
        snprintf(path, sizeof path, "build/samples/%s.docx", samples[s]);
        sample[s] = (unsigned char *)tu_read_file(path, &sample_len[s]);
        if (!sample[s])
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int s = 0; s < NSAMPLES; s++)
        free(sample[s]);
    return tu_rm_rf(root);
}

/* Copies of the samples in 8 folders (two levels), the same base names in
 * several folders, and every kind of bad input. */
static void test_make_inputs(void **state)
{
    (void)state;
    char rel[160];
    for (int d = 0; d < 8; d++) {
        snprintf(rel, sizeof rel, "in/xa-%02d", d);
        mkdir_in(rel);
        snprintf(rel, sizeof rel, "in/xa-%02d/nop", d);
        mkdir_in(rel);
    }
    for (int i = 0; i < COPIES; i++)
        for (int s = 0; s < NSAMPLES; s++) {
            /* names repeat across folders: ke-hoach-3.docx is in several */
            snprintf(rel, sizeof rel, "in/xa-%02d/%s%s-%d.docx", (i + s) % 8,
                     i % 3 ? "nop/" : "", s % 2 ? "Kế hoạch" : "ke-hoach", i / 8);
            char *p = tu_path_in(root, rel);
            struct stat st;
            int exists = stat(p, &st) == 0;
            free(p);
            if (exists)
                snprintf(rel + strlen(rel) - 5, 40, "-%d-%d.docx", i, s);
            put_in(rel, sample[s], sample_len[s]);
        }
    /* corrupt, truncated, empty, hostile */
    mkdir_in("in/hong");
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 2654435761u >> 13);
    put_in("in/hong/random.docx", junk, sizeof junk);
    put_in("in/hong/cut.docx", sample[0], sample_len[0] / 2);
    put_in("in/hong/empty.docx", "", 0);
    static const hostile_kind kinds[] = {HOSTILE_NOT_ZIP,      HOSTILE_OLE,
                                         HOSTILE_PATH_DOTDOT,  HOSTILE_XML_MALFORMED,
                                         HOSTILE_XML_XXE,      HOSTILE_XML_LAUGHS,
                                         HOSTILE_XML_DEEP,     HOSTILE_ENCRYPTED_FLAG,
                                         HOSTILE_XLSX,         HOSTILE_MAIN_MISSING,
                                         HOSTILE_RELS_XXE,     HOSTILE_TRUNCATED};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        unsigned char *data;
        size_t len;
        assert_int_equal(hostile_make(kinds[k], &data, &len), 0);
        snprintf(rel, sizeof rel, "in/hong/%s.docx", hostile_name(kinds[k]));
        put_in(rel, data, len);
        free(data);
    }
    /* not DOCX: listed as skipped */
    put_in("in/hong/bao-cao.pdf", "%PDF-1.4\n", 9);
    put_in("in/hong/ghi-chu.txt", "x\n", 2);
    put_in("in/hong/cu.doc", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
    put_in("in/hong/~$ke-hoach.docx", "lock", 4);
    /* names that are no UTF-8 or hold control characters */
    put_in("in/hong/t\xe9n-c\xfb.docx", sample[2], sample_len[2]);
    put_in("in/hong/dong\nmoi.docx", sample[3], sample_len[3]);
    put_in("in/hong/<b>&amp;.docx", sample[1], sample_len[1]);
    /* a folder loop and a second path to a folder */
    char *loop = tu_path_in(root, "in/xa-00/nop/vong");
    assert_int_equal(symlink("../..", loop), 0);
    free(loop);
    n_inputs++; /* listed as skipped (already walked) */
    char *broken = tu_path_in(root, "in/hong/hong-lien-ket.docx");
    assert_int_equal(symlink("khong-co", broken), 0);
    free(broken);
    n_inputs++;
    assert_true(n_inputs >= 300);
}

/* ---- runs --------------------------------------------------------------- */

static char *dir_of(const char *name)
{
    return tu_path_in(root, name);
}

static char *in_dir(void)
{
    return tu_path_in(root, "in");
}

static void assert_summary_ok(const char *out)
{
    char *jl = slurp(out, "summary.jsonl");
    assert_int_equal(lines(jl), n_inputs);
    /* every line is JSON with a status; each status is met */
    size_t seen[4] = {0};
    for (char *line = jl, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
        json_error_t je;
        json_t *j = json_loadb(line, (size_t)(nl - line), 0, &je);
        assert_non_null(j);
        const char *st = json_string_value(json_object_get(j, "status"));
        assert_non_null(st);
        static const char *const names[] = {"ok", "loi", "error", "skipped"};
        int known = 0;
        for (int i = 0; i < 4; i++)
            if (!strcmp(st, names[i]))
                seen[i]++, known = 1;
        assert_true(known);
        json_decref(j);
    }
    for (int i = 0; i < 4; i++)
        TU_ASSERT_NONEMPTY(seen[i], "a status");
    free(jl);
}

static void test_jobs_1_and_4_agree(void **state)
{
    (void)state;
    char *in = in_dir(), *o1 = dir_of("o1"), *o4 = dir_of("o4");
    result r;
    run(&r, ARGS("batch", in, "--out", o1, "--jobs", "1", "--deadline", "2026-03-31"));
    if (r.status != 1)
        print_error("stderr: %s\n", r.err);
    assert_int_equal(r.status, 1); /* some files have Lỗi, some cannot be read */
    assert_int_equal(r.out_len, 0);
    result_free(&r);
    run(&r, ARGS("batch", in, "--out", o4, "-j", "4", "--deadline", "2026-03-31"));
    assert_int_equal(r.status, 1);
    result_free(&r);
    assert_summary_ok(o1);
    static const char *const files[] = {"summary.jsonl", "summary.csv", "report.html"};
    for (size_t i = 0; i < 3; i++) {
        char *a = slurp(o1, files[i]), *b = slurp(o4, files[i]);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* the same result files, byte for byte */
    char *r1 = tu_path_in(o1, "results"), *r4 = tu_path_in(o4, "results");
    char *l1 = listing(r1), *l4 = listing(r4);
    assert_string_equal(l1, l4);
    size_t nres = 0;
    for (char *name = l1, *nl; (nl = strchr(name, '\n')); name = nl + 1) {
        *nl = 0;
        if (name[0] != '.') {
            char *a = slurp(r1, name), *b = slurp(r4, name);
            assert_string_equal(a, b);
            free(a);
            free(b);
            nres++;
        }
    }
    /* one result per .docx input, even where base names repeat */
    assert_true(nres >= NSAMPLES * COPIES + 15);
    free(l1);
    free(l4);
    free(r1);
    free(r4);
    free(in);
    free(o1);
    free(o4);
}

static ino_t inode(const char *dir, const char *name)
{
    char *p = tu_path_in(dir, name);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    free(p);
    return st.st_ino;
}

/* A rerun reads nothing again: every result file is the same inode (a
 * rewrite renames a new file in), and the outputs are the same bytes. */
static void test_rerun_reuses(void **state)
{
    (void)state;
    char *in = in_dir(), *o4 = dir_of("o4"), *res = tu_path_in(o4, "results");
    char *names = listing(res);
    size_t n = lines(names);
    ino_t *before = calloc(n, sizeof *before);
    assert_non_null(before);
    size_t i = 0;
    for (char *name = names, *nl; (nl = strchr(name, '\n')); name = nl + 1, i++) {
        *nl = 0;
        before[i] = inode(res, name);
        *nl = '\n';
    }
    static const char *const files[] = {"summary.jsonl", "summary.csv", "report.html"};
    char *old[3];
    for (size_t k = 0; k < 3; k++)
        old[k] = slurp(o4, files[k]);
    result r;
    run(&r, ARGS("batch", in, "--out", o4, "-j", "2", "--deadline", "2026-03-31"));
    assert_int_equal(r.status, 1);
    result_free(&r);
    char *after = listing(res);
    assert_string_equal(names, after);
    i = 0;
    for (char *name = names, *nl; (nl = strchr(name, '\n')); name = nl + 1, i++) {
        *nl = 0;
        assert_true(before[i] == inode(res, name));
    }
    TU_ASSERT_NONEMPTY(i, "results");
    for (size_t k = 0; k < 3; k++) {
        char *now = slurp(o4, files[k]);
        assert_string_equal(old[k], now);
        free(now);
        free(old[k]);
    }
    /* An edited file is checked again, the others still reused. */
    free(after);
    free(before);
    free(names);
    free(res);
    free(o4);
    free(in);
}

/* No file in dir (or results/) is half-written: every result parses and
 * names its own hash.  Temporary names are allowed only when allow_tmp. */
static size_t assert_complete(const char *out, int allow_tmp)
{
    char *res = tu_path_in(out, "results");
    char *names = listing(res);
    size_t n = 0;
    for (char *name = names, *nl; (nl = strchr(name, '\n')); name = nl + 1) {
        *nl = 0;
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        if (!strncmp(name, ".tcpl-tmp-", 10)) {
            if (!allow_tmp)
                fail_msg("temporary file left: %s", name);
            continue;
        }
        char *p = tu_path_in(res, name);
        json_error_t je;
        json_t *j = json_load_file(p, 0, &je);
        if (!j)
            fail_msg("half-written result %s: %s", name, je.text);
        assert_non_null(json_object_get(json_object_get(j, "batch"), "rules"));
        json_decref(j);
        free(p);
        n++;
    }
    free(names);
    free(res);
    char *top = listing(out);
    if (!allow_tmp)
        TU_ASSERT_LACKS(top, ".tcpl-tmp-");
    free(top);
    return n;
}

static void test_kill_and_resume(void **state)
{
    (void)state;
    char *in = in_dir(), *ok = dir_of("kill"), *res = tu_path_in(ok, "results"), *o1 = dir_of("o1");
    pid_t pid = start(ARGS("batch", in, "--out", ok, "-j", "1", "-q"), lang_vi);
    /* Wait for some results (by count, no clock), then kill -9. */
    int killed = 0;
    for (long spins = 0; spins < 2000000; spins++) {
        DIR *d = opendir(res);
        size_t n = 0;
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)))
                n += e->d_name[0] != '.';
            closedir(d);
        }
        if (n >= 25) {
            killed = kill(pid, SIGKILL) == 0;
            break;
        }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            pid = -1;
            break;
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    if (pid > 0) {
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        if (killed)
            assert_true(WIFSIGNALED(st));
    }
    TU_ASSERT_NONEMPTY(killed, "a killed run");
    size_t done = assert_complete(ok, 1);
    assert_true(done >= 25);
    char *top = listing(ok);
    TU_ASSERT_LACKS(top, "report.html");
    free(top);
    /* The rerun completes and ends like a clean run. */
    result r;
    run(&r, ARGS("batch", in, "--out", ok, "-j", "4", "--deadline", "2026-03-31"));
    assert_int_equal(r.status, 1);
    result_free(&r);
    assert_complete(ok, 0);
    static const char *const files[] = {"summary.jsonl", "summary.csv", "report.html"};
    for (size_t k = 0; k < 3; k++) {
        char *a = slurp(o1, files[k]), *b = slurp(ok, files[k]);
        /* report.html and the summaries name result files by input only */
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    free(o1);
    free(res);
    free(ok);
    free(in);
}

/* ---- the outputs -------------------------------------------------------- */

static void test_csv(void **state)
{
    (void)state;
    char *o1 = dir_of("o1");
    char *csv = slurp(o1, "summary.csv");
    const char head[] = "\xEF\xBB\xBF\"file\",\"unit\",\"kind\",\"number\",\"date\",\"errors\","
                        "\"warnings\",\"suggestions\",\"status\",\"note\"\r\n";
    assert_memory_equal(csv, head, sizeof head - 1);
    /* One CRLF row per input; a new line inside a name stays inside its
     * quoted cell (not CRLF). */
    size_t crlf = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")); p += 2)
        crlf++;
    assert_int_equal(crlf, n_inputs + 1);
    TU_ASSERT_CONTAINS(csv, "\"loi\"");
    TU_ASSERT_CONTAINS(csv, "Lưu thành"); /* the .doc advice */
    free(csv);
    free(o1);
}

static void test_report_html(void **state)
{
    (void)state;
    char *o1 = dir_of("o1");
    char *html = slurp(o1, "report.html");
    /* no network: nothing is loaded from elsewhere */
    TU_ASSERT_LACKS(html, "http://");
    TU_ASSERT_LACKS(html, "https://");
    TU_ASSERT_LACKS(html, " src=");
    TU_ASSERT_LACKS(html, "<b>&amp;"); /* the odd file name is escaped */
    TU_ASSERT_CONTAINS(html, "còn 11 ngày");
    /* well-formed XML (stricter than HTML) */
    xmlDocPtr doc = xmlReadMemory(html, (int)strlen(html), "report.html", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlFreeDoc(doc);
    /* and HTML without a single parser error */
    htmlParserCtxtPtr hc = htmlNewParserCtxt();
    assert_non_null(hc);
    htmlDocPtr hd = htmlCtxtReadMemory(hc, html, (int)strlen(html), "report.html", "UTF-8",
                                       HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                           HTML_PARSE_NOWARNING);
    assert_non_null(hd);
    assert_int_equal(hc->errNo, 0);
    /* the first page of the table is HTML, with the names */
    size_t page = n_inputs < 100 ? n_inputs : 100;
    xmlXPathContextPtr xc = xmlXPathNewContext(hd);
    xmlXPathObjectPtr rows =
        xmlXPathEvalExpression((const xmlChar *)"//table[@id='t']/tbody/tr", xc);
    assert_non_null(rows);
    assert_int_equal(xmlXPathNodeSetGetLength(rows->nodesetval), (int)page);
    xmlXPathObjectPtr names =
        xmlXPathEvalExpression((const xmlChar *)"//table[@id='t']/tbody/tr/td[2]/a", xc);
    /* every input is a row of the inline JSON the script draws pages from,
     * and has its findings in the second block */
    xmlXPathObjectPtr blocks = xmlXPathEvalExpression(
        (const xmlChar *)"//script[@type='application/json']", xc);
    assert_int_equal(xmlXPathNodeSetGetLength(blocks->nodesetval), 2);
    xmlChar *rtext = xmlNodeGetContent(blocks->nodesetval->nodeTab[0]);
    xmlChar *ftext = xmlNodeGetContent(blocks->nodesetval->nodeTab[1]);
    json_error_t je;
    json_t *rj = json_loads((const char *)rtext, 0, &je), *fj = json_loads((const char *)ftext, 0, &je);
    assert_non_null(rj);
    assert_non_null(fj);
    json_t *jrows = json_object_get(rj, "rows");
    assert_int_equal(json_array_size(jrows), n_inputs);
    /* the findings block: each distinct text once ("t", 0 is ""), each
     * finding a compact array of numbers into it and its excerpt ("f") */
    json_t *ft = json_object_get(fj, "t"), *ff = json_object_get(fj, "f");
    assert_true(json_is_array(ft) && json_is_array(ff));
    assert_int_equal(json_array_size(ff), n_inputs);
    assert_string_equal(json_string_value(json_array_get(ft, 0)), "");
    for (size_t a = 1; a < json_array_size(ft); a++)
        for (size_t b = a + 1; b < json_array_size(ft); b++)
            assert_string_not_equal(json_string_value(json_array_get(ft, a)),
                                    json_string_value(json_array_get(ft, b)));
    char *jl = slurp(o1, "summary.jsonl");
    size_t i = 0, with_findings = 0;
    for (char *line = jl, *nl; (nl = strchr(line, '\n')); line = nl + 1, i++) {
        json_t *j = json_loadb(line, (size_t)(nl - line), 0, &je);
        assert_non_null(j);
        const char *file = json_string_value(json_object_get(j, "file"));
        json_t *row = json_array_get(jrows, i);
        const char *shown = json_string_value(json_array_get(row, 0));
        xmlChar *text = i < page ? xmlNodeGetContent(names->nodesetval->nodeTab[i]) : NULL;
        /* control characters are shown escaped in the page */
        if (!strchr(file, '\n')) {
            assert_string_equal(shown, file);
            if (text)
                assert_string_equal((const char *)text, file);
        } else {
            TU_ASSERT_CONTAINS(shown, "\\n");
            if (text)
                TU_ASSERT_CONTAINS((const char *)text, "\\n");
        }
        xmlFree(text);
        /* the status, and every finding the result counts */
        const char *status = json_string_value(json_object_get(j, "status"));
        assert_string_equal(json_string_value(json_array_get(row, 8)), status);
        json_t *counts = json_object_get(j, "counts"), *fl = json_array_get(ff, i);
        if (!strcmp(status, "ok") || !strcmp(status, "loi")) {
            size_t want = (size_t)(json_integer_value(json_object_get(counts, "loi")) +
                                   json_integer_value(json_object_get(counts, "canh-bao")) +
                                   json_integer_value(json_object_get(counts, "goi-y")));
            assert_true(json_is_array(fl));
            assert_int_equal(json_array_size(fl), want);
            with_findings += want > 0;
            size_t k;
            json_t *g;
            json_array_foreach(fl, k, g)
            {
                assert_int_equal(json_array_size(g), 6);
                assert_true(json_integer_value(json_array_get(g, 0)) <= 2);
                for (size_t c = 1; c < 5; c++)
                    assert_true(json_is_integer(json_array_get(g, c)) &&
                                (size_t)json_integer_value(json_array_get(g, c)) <
                                    json_array_size(ft));
                assert_true(json_is_string(json_array_get(g, 5)));
                /* a message is never "" */
                assert_true(json_integer_value(json_array_get(g, 2)) > 0);
            }
        } else {
            assert_true(json_is_null(fl));
        }
        json_decref(j);
    }
    assert_int_equal(i, n_inputs);
    TU_ASSERT_NONEMPTY(with_findings, "files with findings");
    json_decref(rj);
    json_decref(fj);
    xmlFree(rtext);
    xmlFree(ftext);
    xmlXPathFreeObject(blocks);
    xmlXPathFreeObject(names);
    xmlXPathFreeObject(rows);
    xmlXPathFreeContext(xc);
    xmlFreeDoc(hd);
    htmlFreeParserCtxt(hc);
    free(jl);
    free(html);
    free(o1);
}

/* ---- roster -------------------------------------------------------------- */

static char *replace(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    assert_non_null(p);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *r = malloc(n);
    assert_non_null(r);
    snprintf(r, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
    return r;
}

/* The commune plan with another issuing body: line 1 and line 2. */
static void plan_of(const char *rel, const char *line1, const char *line2)
{
    static const char *const parts[] = {
        "[Content_Types].xml",    "_rels/.rels",           "docProps/app.xml",
        "docProps/core.xml",      "word/_rels/document.xml.rels", "word/document.xml",
        "word/fontTable.xml",     "word/footnotes.xml",    "word/header1.xml",
        "word/numbering.xml",     "word/settings.xml",     "word/styles.xml"};
    enum { NP = sizeof parts / sizeof parts[0] };
    tu_part tp[NP];
    char *texts[NP];
    for (size_t i = 0; i < NP; i++) {
        char path[128];
        snprintf(path, sizeof path, "samples/src/kh-xa-2025/%s", parts[i]);
        size_t len;
        texts[i] = tu_read_file(path, &len);
        assert_non_null(texts[i]);
        if (!strcmp(parts[i], "word/document.xml")) {
            char a[160], b[160];
            snprintf(a, sizeof a, "<w:t>%s</w:t>", line1);
            snprintf(b, sizeof b, "<w:t>%s</w:t>", line2);
            char *t1 = replace(texts[i], "<w:t>ỦY BAN NHÂN DÂN</w:t>", a);
            char *t2 = replace(t1, "<w:t>XÃ PHÚ THỊNH</w:t>", b);
            free(t1);
            free(texts[i]);
            texts[i] = t2;
        }
        tp[i] = (tu_part){parts[i], texts[i], 0};
    }
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(tp, NP, &data, &len), 0);
    char *p = tu_path_in(root, rel);
    put_file(p, data, len);
    free(p);
    free(data);
    for (size_t i = 0; i < NP; i++)
        free(texts[i]);
}

static void test_unit_key(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"UBND xã Hòa Bình", "Ủy ban nhân dân xã Hoà Bình"},
        {"ỦY BAN NHÂN DÂN XÃ THỦY AN", "Uỷ ban nhân dân xã Thuỷ An"},
        {"HĐND xã Tân Phú", "Hội đồng nhân dân  xã  Tân Phú"},
        {"Ủy ban nhân dân xã Tân Phú", "U\xcc\x89y ban nha\xcc\x82n da\xcc\x82n xa\xcc\x83 "
                                       "Ta\xcc\x82n Phu\xcc\x81"}, /* NFD */
        {"UBND TP. Hà Tĩnh", "Ủy ban nhân dân thành phố Hà Tĩnh"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *a, *b;
        assert_int_equal(tcpl_unit_key(&a, same[i][0], NULL), 0);
        assert_int_equal(tcpl_unit_key(&b, same[i][1], NULL), 0);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* another tone is another name */
    static const char *const differ[][2] = {{"xã Hòa Bình", "xã Hóa Bình"},
                                            {"xã Tân Phú", "xã Tân Phụ"},
                                            {"UBND xã A", "HĐND xã A"}};
    for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++) {
        char *a, *b;
        assert_int_equal(tcpl_unit_key(&a, differ[i][0], NULL), 0);
        assert_int_equal(tcpl_unit_key(&b, differ[i][1], NULL), 0);
        assert_string_not_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_roster(void **state)
{
    (void)state;
    char *rin = dir_of("rin"), *rout = dir_of("rout");
    assert_int_equal(mkdir(rin, 0777), 0);
    plan_of("rin/hoa-binh.docx", "UBND", "XÃ HOÀ BÌNH");          /* abbreviation, old tone */
    plan_of("rin/thuy-an-1.docx", "ỦY BAN NHÂN DÂN", "XÃ THUỶ AN"); /* submitted twice */
    plan_of("rin/thuy-an-2.docx", "UBND", "XÃ THỦY AN"); /* new tone place */
    plan_of("rin/la.docx", "ỦY BAN NHÂN DÂN", "XÃ KHÔNG CÓ TÊN");    /* in no roster row */
    /* the roster: a header, Excel's ';', NFD text, a contact, a duplicate row */
    const char ros[] = "\xEF\xBB\xBF"
                       "Tên đơn vị;Liên hệ\r\n"
                       "Ủy ban nhân dân xã Hòa Bình;0123 456 789\r\n"
                       "\"UBND xã Thủy An\";tuphap@thuyan.example\r\n"
                       "U\xcc\x89y ban nha\xcc\x82n da\xcc\x82n xa\xcc\x83 Va\xcc\x86\xcc\x81ng Ma\xcc\xa3\xcc\x86t;"
                       "chưa có\r\n"
                       "ubnd xã hòa bình;\r\n";
    char *rp = dir_of("don-vi.csv");
    put_file(rp, ros, sizeof ros - 1);
    result r;
    run(&r, ARGS("batch", rin, "--out", rout, "--roster", rp, "-q"));
    if (r.status != 1)
        print_error("stderr: %s\n", r.err);
    result_free(&r);
    char *csv = slurp(rout, "roster.csv");
    TU_ASSERT_CONTAINS(csv, "\"Ủy ban nhân dân xã Hòa Bình\",\"0123 456 789\",\"submitted\",\"");
    TU_ASSERT_CONTAINS(csv, "hoa-binh.docx\"\r\n");
    TU_ASSERT_CONTAINS(csv, "\"UBND xã Thủy An\",\"tuphap@thuyan.example\",\"twice\",\"");
    TU_ASSERT_CONTAINS(csv, "thuy-an-1.docx; ");
    TU_ASSERT_CONTAINS(csv, "\",\"chưa có\",\"missing\",\"\"\r\n");
    TU_ASSERT_CONTAINS(csv, ",\"\",\"unmatched\",");
    TU_ASSERT_CONTAINS(csv, "la.docx\"\r\n");
    /* the duplicate roster row is not a second unit */
    const char *p = csv;
    size_t hoa = 0;
    while ((p = strstr(p, "\"submitted\"")))
        hoa++, p++;
    assert_int_equal(hoa, 1);
    assert_int_equal(lines(csv), 1 + 3 + 1);
    char *jl = slurp(rout, "summary.jsonl");
    TU_ASSERT_CONTAINS(jl, "\"roster_unit\":\"UBND xã Thủy An\"");
    char *html = slurp(rout, "report.html");
    TU_ASSERT_CONTAINS(html, "Chưa nộp");
    TU_ASSERT_CONTAINS(html, "Nộp nhiều lần");
    TU_ASSERT_CONTAINS(html, "chưa có");
    free(html);
    free(jl);
    free(csv);
    free(rp);
    free(rin);
    free(rout);
}

static void test_usage(void **state)
{
    (void)state;
    char *in = in_dir(), *o = dir_of("u");
    result r;
    run(&r, ARGS("batch", in));
    assert_int_equal(r.status, 2);
    TU_ASSERT_CONTAINS(r.err, "--out");
    result_free(&r);
    run(&r, ARGS("batch", in, "--out", o, "--deadline", "2026-02-30"));
    assert_int_equal(r.status, 2);
    result_free(&r);
    run(&r, ARGS("batch", in, "--out", o, "--jobs", "0"));
    assert_int_equal(r.status, 2);
    result_free(&r);
    run(&r, ARGS("batch", in, "--out", o, "--shard", "3/2"));
    assert_int_equal(r.status, 2);
    result_free(&r);
    struct stat st;
    assert_int_not_equal(stat(o, &st), 0); /* nothing written on a usage error */
    free(o);
    free(in);
}

/* Two shards together list exactly the inputs of the whole run; a run of
 * good files only exits 0; --format jsonl streams one line per input. */
static void test_shards_and_stream(void **state)
{
    (void)state;
    char *in = in_dir(), *s1 = dir_of("s1"), *s2 = dir_of("s2"), *o1 = dir_of("o1");
    result r;
    run(&r, ARGS("batch", in, "--out", s1, "--shard", "1/2", "--format", "jsonl", "-q"));
    size_t a = lines(r.out);
    result_free(&r);
    run(&r, ARGS("batch", in, "--out", s2, "--shard", "2/2", "-q"));
    result_free(&r);
    char *j1 = slurp(s1, "summary.jsonl"), *j2 = slurp(s2, "summary.jsonl");
    assert_int_equal(lines(j1), a);
    assert_int_equal(lines(j1) + lines(j2), n_inputs);
    assert_true(lines(j1) > 0 && lines(j2) > 0);
    free(j1);
    free(j2);
    char *good = dir_of("good"), *gout = dir_of("gout");
    assert_int_equal(mkdir(good, 0777), 0);
    char *p = tu_path_in(good, "kl.docx");
    put_file(p, sample[1], sample_len[1]); /* the conclusion: no Lỗi */
    free(p);
    run(&r, ARGS("batch", good, "--out", gout, "-q"));
    assert_int_equal(r.status, 0);
    result_free(&r);
    free(good);
    free(gout);
    free(o1);
    free(s1);
    free(s2);
    free(in);
}

/* Three shards merged give what one run over every input gives, byte for
 * byte: the same summaries, report and result files, duplicates (same
 * bytes) found across shards.  A folder named twice is listed once; a
 * missing or damaged folder is one error naming it, and nothing is
 * written. */
static void test_merge(void **state)
{
    (void)state;
    char *in = in_dir(), *o1 = dir_of("o1"), *mo = dir_of("mo");
    char *sh[3] = {dir_of("m1"), dir_of("m2"), dir_of("m3")};
    result r;
    for (int k = 0; k < 3; k++) {
        char share[16];
        snprintf(share, sizeof share, "%d/3", k + 1);
        run(&r, ARGS("batch", in, "--out", sh[k], "--shard", share, "-j", "2", "--deadline",
                     "2026-03-31", "-q"));
        result_free(&r);
        char *jl = slurp(sh[k], "summary.jsonl");
        assert_true(lines(jl) > 0 && lines(jl) < n_inputs);
        free(jl);
    }
    run(&r, ARGS("merge", sh[0], sh[1], sh[2], sh[1], "--out", mo, "--deadline", "2026-03-31"));
    if (r.status != 1)
        print_error("stderr: %s\n", r.err);
    assert_int_equal(r.status, 1); /* as the run: some files have Lỗi */
    result_free(&r);
    assert_summary_ok(mo);
    static const char *const files[] = {"summary.jsonl", "summary.csv", "report.html"};
    for (size_t i = 0; i < 3; i++) {
        char *a = slurp(o1, files[i]), *b = slurp(mo, files[i]);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    char *jl = slurp(mo, "summary.jsonl");
    TU_ASSERT_CONTAINS(jl, "\"duplicate_of\":\"");
    free(jl);
    char *r1 = tu_path_in(o1, "results"), *rm = tu_path_in(mo, "results");
    char *l1 = listing(r1), *lm = listing(rm);
    assert_string_equal(l1, lm);
    for (char *name = l1, *nl; (nl = strchr(name, '\n')); name = nl + 1) {
        *nl = 0;
        if (name[0] != '.') {
            char *a = slurp(r1, name), *b = slurp(rm, name);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
    }
    free(l1);
    free(lm);
    free(r1);
    free(rm);
    /* with a roster: matched across the shards as one run matches it (test_roster's run) */
    char *rin = dir_of("rin"), *rout = dir_of("rout"), *rp = dir_of("don-vi.csv");
    char *rs[2] = {dir_of("rs1"), dir_of("rs2")}, *rm2 = dir_of("rmerged");
    run(&r, ARGS("batch", rin, "--out", rs[0], "--shard", "1/2", "-q"));
    result_free(&r);
    run(&r, ARGS("batch", rin, "--out", rs[1], "--shard", "2/2", "-q"));
    result_free(&r);
    run(&r, ARGS("merge", rs[0], rs[1], "--out", rm2, "--roster", rp, "-q"));
    assert_int_equal(r.status, 1);
    result_free(&r);
    static const char *const rfiles[] = {"roster.csv", "summary.jsonl", "report.html"};
    for (size_t i = 0; i < 3; i++) {
        char *a = slurp(rout, rfiles[i]), *b = slurp(rm2, rfiles[i]);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    free(rin);
    free(rout);
    free(rp);
    free(rs[0]);
    free(rs[1]);
    free(rm2);
    /* a missing folder, a damaged summary: one error naming it, nothing written */
    char *none = dir_of("no-such-shard"), *mx = dir_of("mx");
    run(&r, ARGS("merge", sh[0], none, "--out", mx));
    assert_int_equal(r.status, 3);
    TU_ASSERT_CONTAINS(r.err, "no-such-shard");
    result_free(&r);
    char *sj = tu_path_in(sh[2], "summary.jsonl");
    FILE *f = fopen(sj, "ab");
    assert_non_null(f);
    fputs("{\"file\":\"x.docx\",\"status\":\"ok\",\"result\":\"results/../../etc\"}\n", f);
    assert_int_equal(fclose(f), 0);
    run(&r, ARGS("merge", sh[0], sh[2], "--out", mx));
    assert_int_equal(r.status, 3);
    TU_ASSERT_CONTAINS(r.err, "m3");
    TU_ASSERT_CONTAINS(r.err, "summary.jsonl:");
    result_free(&r);
    struct stat st;
    assert_int_not_equal(stat(mx, &st), 0);
    run(&r, ARGS("merge", "--out", mx));
    assert_int_equal(r.status, 2);
    result_free(&r);
    free(sj);
    free(none);
    free(mx);
    for (int k = 0; k < 3; k++)
        free(sh[k]);
    free(in);
    free(o1);
    free(mo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_key),
        cmocka_unit_test(test_make_inputs),
        cmocka_unit_test(test_jobs_1_and_4_agree),
        cmocka_unit_test(test_rerun_reuses),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_report_html),
        cmocka_unit_test(test_roster),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_shards_and_stream),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
