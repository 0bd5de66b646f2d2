/* tcpl_doc_json: the streamed model JSON.
 *  - byte for byte what the jansson-tree renderer gave (goldens written by
 *    that code, tests/golden/dump/), and what jansson itself prints for the
 *    parsed output, on every sample and corpus document, compact and pretty;
 *  - escaping of every character class the reader can produce;
 *  - memory: the renderer's peak is bounded by a constant times the output
 *    (the tree took 3.5 KB per empty paragraph). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/fixtures.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

#define P(x) "<w:p>" x "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"

static tcpl_ctx *ctx;

static tcpl_doc *read_path(const char *path)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    if (tcpl_docx_read(&doc, ctx, path, &err) < 0)
        fail_msg("%s: %s %s", path, err.id ? err.id : "", err.detail);
    return doc;
}

static char *dump(const tcpl_doc *doc, unsigned options, size_t *len)
{
    char *s = NULL;
    tcpl_error err;
    assert_int_equal(tcpl_doc_json(&s, len, doc, options, &err), 0);
    assert_int_equal(strlen(s), *len);
    return s;
}

/* Regenerate with TCPL_UPDATE_GOLDEN=1 only when the model itself changes
 * (and say so in the commit): these were written by the jansson renderer. */
static void golden_samples(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *golden;
        unsigned options;
    } cases[] = {
        {"build/samples/kl-kiem-tra-2025.docx", "tests/golden/dump/kl-kiem-tra-2025.json", 0},
        {"build/samples/kl-kiem-tra-2025.docx", "tests/golden/dump/kl-kiem-tra-2025.pretty.json",
         TCPL_JSON_PRETTY},
        {"build/samples/kh-tinh-2022.docx", "tests/golden/dump/kh-tinh-2022.json", 0},
    };
    const char *update = getenv("TCPL_UPDATE_GOLDEN");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tcpl_doc *doc = read_path(cases[i].doc);
        size_t n, gn = 0;
        char *s = dump(doc, cases[i].options, &n);
        if (update && !strcmp(update, "1")) {
            FILE *f = fopen(cases[i].golden, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(s, 1, n, f), n);
            fclose(f);
        }
        char *g = tu_read_file(cases[i].golden, &gn);
        assert_non_null(g);
        TU_ASSERT_NONEMPTY(gn, cases[i].golden);
        if (n != gn || memcmp(s, g, n) != 0) {
            size_t k = 0;
            while (k < n && k < gn && s[k] == g[k])
                k++;
            fail_msg("%s: differs from %s at byte %zu: ...%.60s... vs ...%.60s...", cases[i].doc,
                     cases[i].golden, k, s + (k > 20 ? k - 20 : 0), g + (k > 20 ? k - 20 : 0));
        }
        free(g);
        free(s);
        tcpl_doc_free(doc);
    }
}

/* What jansson prints for our output parsed back must be our output: same
 * key order, separators, indentation, numbers and escapes. */
static void assert_jansson_layout(const char *what, const char *s, size_t n, unsigned options)
{
    json_error_t je;
    json_t *root = json_loadb(s, n, 0, &je);
    if (!root)
        fail_msg("%s: not JSON: %s at line %d", what, je.text, je.line);
    size_t flags = JSON_PRESERVE_ORDER;
    flags |= options & TCPL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
    char *j = json_dumps(root, flags);
    assert_non_null(j);
    size_t jn = strlen(j);
    if (jn + 1 != n || memcmp(s, j, jn) != 0 || s[jn] != '\n') {
        size_t k = 0;
        while (k < n && k < jn && s[k] == j[k])
            k++;
        fail_msg("%s: differs from jansson's layout at byte %zu: ...%.60s... vs ...%.60s...", what,
                 k, s + (k > 20 ? k - 20 : 0), j + (k > 20 ? k - 20 : 0));
    }
    free(j);
    json_decref(root);
}

/* Every .docx of a folder; returns how many were checked. */
static size_t check_folder(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t checked = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".docx") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        tcpl_doc *doc = read_path(path);
        for (unsigned o = 0; o <= TCPL_JSON_PRETTY; o += TCPL_JSON_PRETTY) {
            size_t n;
            char *s = dump(doc, o, &n);
            assert_jansson_layout(path, s, n, o);
            free(s);
        }
        tcpl_doc_free(doc);
        checked++;
    }
    closedir(d);
    return checked;
}

static void jansson_layout_samples(void **state)
{
    (void)state;
    TU_ASSERT_NONEMPTY(check_folder("build/samples"), "build/samples/*.docx");
}

static void jansson_layout_corpus(void **state)
{
    (void)state;
    const char *c = tu_corpus();
    if (!c)
        skip(); /* tu_corpus logged why */
    TU_ASSERT_NONEMPTY(check_folder(c), "corpus *.docx");
}

/* Quotes, backslashes, tabs, line breaks, a slash, DEL, non-ASCII (a
 * Vietnamese letter, U+2028, a 4-byte emoji): escaped as jansson does, and
 * the text reads back unchanged. */
static void escaping(void **state)
{
    (void)state;
    tcpl_doc *doc = tu_body_doc(ctx, 
        P(R("a \"q\" \\ b/c &#127; đ \xE2\x80\xA8 \xF0\x9F\x98\x80") "<w:r><w:tab/></w:r>"
          "<w:r><w:t>x</w:t><w:br/><w:t>y</w:t><w:cr/><w:t>z</w:t></w:r>"),
        "q\"b\\ \t.docx");
    const tcpl_block *p = tcpl_doc_block(doc, 0);
    assert_int_equal(p->kind, TCPL_BLOCK_PARAGRAPH);
    for (unsigned o = 0; o <= TCPL_JSON_PRETTY; o += TCPL_JSON_PRETTY) {
        size_t n;
        char *s = dump(doc, o, &n);
        assert_jansson_layout("escaping", s, n, o);
        assert_non_null(strstr(s, "\"text\":"));
        assert_non_null(strstr(s, "a \\\"q\\\" \\\\ b/c \x7F đ \xE2\x80\xA8 \xF0\x9F\x98\x80\\t"));
        assert_non_null(strstr(s, "x\\ny"));
        assert_non_null(strstr(s, "\"q\\\"b\\\\ \\t.docx\""));
        json_t *root = json_loadb(s, n, 0, NULL);
        json_t *b0 = json_array_get(json_object_get(root, "blocks"), 0);
        assert_string_equal(json_string_value(json_object_get(b0, "text")), p->text);
        json_decref(root);
        free(s);
    }
    tcpl_doc_free(doc);
}

/* Every kind of block and an empty document: empty arrays print as [] in
 * both layouts, null and booleans where the schema says. */
static void shapes(void **state)
{
    (void)state;
    tcpl_doc *doc = tu_body_doc(ctx, "", "empty.docx");
    for (unsigned o = 0; o <= TCPL_JSON_PRETTY; o += TCPL_JSON_PRETTY) {
        size_t n;
        char *s = dump(doc, o, &n);
        assert_jansson_layout("empty", s, n, o);
        free(s);
    }
    size_t n;
    char *s = dump(doc, 0, &n);
    assert_string_equal(s, "{\"file\":\"empty.docx\",\"blocks\":[],\"sections\":[]}\n");
    free(s);
    tcpl_doc_free(doc);

    doc = tu_body_doc(ctx, "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>" P("")
                    "</w:tc></w:tr></w:tbl>" P("<w:r><w:rPr><w:b/><w:sz w:val=\"27\"/><w:caps/>"
                                               "</w:rPr><w:t>A</w:t></w:r>")
                    "<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"
                    "</w:sectPr>",
                    "t.docx");
    for (unsigned o = 0; o <= TCPL_JSON_PRETTY; o += TCPL_JSON_PRETTY) {
        s = dump(doc, o, &n);
        assert_jansson_layout("shapes", s, n, o);
        free(s);
    }
    s = dump(doc, 0, &n);
    assert_non_null(strstr(s, "\"kind\":\"table\",\"parent\":null"));
    assert_non_null(strstr(s, "\"vmerge\":\"restart\""));
    assert_non_null(strstr(s, "\"runs\":[]"));
    assert_non_null(strstr(s, "\"size\":13.5,\"caps\":true"));
    assert_non_null(strstr(s, "\"landscape\":true"));
    free(s);
    tcpl_doc_free(doc);
}

/* 100,000 empty paragraphs (600 KB of XML, a 2 KB file): the jansson tree
 * grew the peak by about 340 MB for 26 MB of output; streamed, the peak
 * grows by the output buffer only.  Measured in a forked child so the
 * ceiling is about this render alone (ru_maxrss is a high-water mark). */
enum {
    MEM_PARAS = 100000,
    /* the buffer doubles: up to 2x the output, plus ASan's quarantine */
    MEM_PER_OUTPUT_BYTE = 3,
    MEM_SLACK = 16 << 20
};

static void memory_bounded_by_output(void **state)
{
    (void)state;
    static const char para[] = "<w:p/>";
    size_t pl = sizeof para - 1;
    char *body = malloc(MEM_PARAS * pl + 1);
    assert_non_null(body);
    for (size_t i = 0; i < MEM_PARAS; i++)
        memcpy(body + i * pl, para, pl);
    body[MEM_PARAS * pl] = 0;
    tcpl_doc *doc = tu_body_doc(ctx, body, "big.docx");
    free(body);
    assert_int_equal(tcpl_doc_block_count(doc), MEM_PARAS);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rusage before, after;
        long long r[3] = {-1, 0, 0};
        getrusage(RUSAGE_SELF, &before);
        char *s = NULL;
        size_t n = 0;
        tcpl_error err;
        r[0] = tcpl_doc_json(&s, &n, doc, 0, &err);
        getrusage(RUSAGE_SELF, &after);
        r[1] = (long long)n;
        r[2] = ((long long)after.ru_maxrss - before.ru_maxrss) * 1024;
        ssize_t w = write(fds[1], r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    long long r[3];
    ssize_t got = read(fds[0], r, sizeof r);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(got, sizeof r);
    assert_int_equal(r[0], 0);
    long long out = r[1], grew = r[2];
    assert_true(out > (long long)MEM_PARAS * 200); /* it did render every block */
    if (grew > MEM_PER_OUTPUT_BYTE * out + MEM_SLACK)
        fail_msg("peak grew by %lld bytes for %lld bytes of JSON (ceiling %d x output + %d)", grew,
                 out, MEM_PER_OUTPUT_BYTE, MEM_SLACK);
    tcpl_doc_free(doc);
}

int main(void)
{
    ctx = tu_ctx();
    const struct CMUnitTest tests[] = {
        /* first: ru_maxrss is inherited, so before the others raise it */
        cmocka_unit_test(memory_bounded_by_output),
        cmocka_unit_test(golden_samples),
        cmocka_unit_test(jansson_layout_samples),
        cmocka_unit_test(jansson_layout_corpus),
        cmocka_unit_test(escaping),
        cmocka_unit_test(shapes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tcpl_ctx_free(ctx);
    return rc;
}
