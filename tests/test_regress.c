/* Regression cases: one small input and its expected output per fixed bug
 * (tests/regress/README.md gives the format).  Each NNN-name.xml is packed
 * into a DOCX in memory, read, and its text, model JSON, extraction JSON or
 * error compared with NNN-name.expected.  Every case is its own cmocka test,
 * named after its file. */
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

#include "base/buf.h"
#include "base/vec.h"
#include "helpers/hostile.h"
#include "helpers/testutil.h"

#define REGRESS_DIR "tests/regress"
/* Seeded with the bugs fixed before this folder existed; fewer means cases
 * were lost (or the folder was not found). */
#define REGRESS_MIN_CASES 8
/* Parts in one case: the document and a few others (styles, notes, theme). */
#define REGRESS_MAX_PARTS 8

static tcpl_ctx *ctx;
static tcpl_extractor *extractor;

typedef struct rcase {
    char name[256]; /* "001-grid-before" */
} rcase;

typedef enum { MODE_TEXT, MODE_MODEL, MODE_EXTRACT, MODE_ERROR } rmode;

/* A case file split into its header and parts (pointers into text). */
typedef struct parsed {
    char *text;
    const char *bug;
    rmode mode;
    unsigned text_flags;
    const char *file_name;
    tu_part parts[REGRESS_MAX_PARTS];
    size_t nparts;
} parsed;

static char *case_path(const char *name, const char *ext)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_printf(&b, "%s/%s%s", REGRESS_DIR, name, ext);
    char *p = tcpl_buf_detach(&b, NULL);
    assert_non_null(p);
    return p;
}

/* Cuts the line at *pos (without its '\n') and moves *pos past it. */
static char *next_line(char **pos)
{
    char *s = *pos;
    if (!*s)
        return NULL;
    char *e = strchr(s, '\n');
    if (e) {
        *e = 0;
        *pos = e + 1;
    } else {
        *pos = s + strlen(s);
    }
    return s;
}

/* \xNN escapes in place (a file name may be any bytes). */
static void unescape(char *s)
{
    char *o = s;
    while (*s) {
        unsigned v;
        if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
            *o++ = (char)v;
            s += 4;
        } else {
            *o++ = *s++;
        }
    }
    *o = 0;
}

static void parse_case(parsed *c, const char *name)
{
    memset(c, 0, sizeof *c);
    char *path = case_path(name, ".xml");
    c->text = tu_read_file(path, NULL);
    if (!c->text)
        fail_msg("%s: cannot read", path);
    free(path);
    c->mode = MODE_TEXT;
    c->text_flags = TCPL_TEXT_BODY;
    c->file_name = "t.docx";
    char *pos = c->text, *line;
    int have_mode = 0;
    /* Header: "# key: value" lines. */
    while (*pos == '#' && pos[1] == ' ' && (line = next_line(&pos)) != NULL) {
        char *key = line + 2, *colon = strchr(key, ':');
        if (!colon)
            fail_msg("%s: header line without a colon: %s", name, line);
        *colon = 0;
        char *val = colon + 1;
        while (*val == ' ')
            val++;
        if (!strcmp(key, "bug")) {
            c->bug = val;
        } else if (!strcmp(key, "mode")) {
            have_mode = 1;
            if (!strcmp(val, "text"))
                c->mode = MODE_TEXT;
            else if (!strcmp(val, "model"))
                c->mode = MODE_MODEL;
            else if (!strcmp(val, "extract"))
                c->mode = MODE_EXTRACT;
            else if (!strcmp(val, "error"))
                c->mode = MODE_ERROR;
            else
                fail_msg("%s: unknown mode %s", name, val);
        } else if (!strcmp(key, "text")) {
            c->text_flags = 0;
            if (strstr(val, "body"))
                c->text_flags |= TCPL_TEXT_BODY;
            if (strstr(val, "notes"))
                c->text_flags |= TCPL_TEXT_NOTES;
            if (strstr(val, "headers"))
                c->text_flags |= TCPL_TEXT_HEADERS;
            if (!c->text_flags)
                fail_msg("%s: text: wants body, notes and/or headers", name);
        } else if (!strcmp(key, "name")) {
            unescape(val);
            c->file_name = val;
        } else {
            fail_msg("%s: unknown header %s", name, key);
        }
    }
    if (!c->bug || !*c->bug)
        fail_msg("%s: no '# bug:' line naming the bug it guards", name);
    if (!have_mode)
        fail_msg("%s: no '# mode:' line", name);
    /* Parts: the document first, then "#part NAME" sections. */
    c->parts[0] = (tu_part){"word/document.xml", pos, 0};
    c->nparts = 1;
    for (char *p = pos; (p = strstr(p, "\n#part ")) != NULL;) {
        *p = 0;
        char *pname = p + 7, *body = pname;
        pos = body;
        line = next_line(&pos);
        if (c->nparts == REGRESS_MAX_PARTS)
            fail_msg("%s: more than %d parts", name, REGRESS_MAX_PARTS);
        c->parts[c->nparts++] = (tu_part){line, pos, 0};
        p = pos;
    }
    if (!*c->parts[0].content)
        fail_msg("%s: no document", name);
}

static tcpl_doc *read_case(parsed *c, tcpl_error *err, int *rc)
{
    tcpl_buf doc;
    tcpl_buf_init(&doc);
    const char *d = c->parts[0].content;
    if (strstr(d, "<w:document"))
        tcpl_buf_puts(&doc, d);
    else
        tcpl_buf_printf(&doc, "<w:document " TU_ALL_NS "><w:body>%s</w:body></w:document>", d);
    assert_true(tcpl_buf_ok(&doc));
    c->parts[0].content = doc.data;
    unsigned char *data;
    size_t len;
    assert_int_equal(tu_build_docx(c->parts, c->nparts, &data, &len), 0);
    tcpl_buf_free(&doc);
    c->parts[0].content = NULL;
    tcpl_doc *out = NULL;
    *rc = tcpl_docx_read_memory(&out, ctx, data, len, c->file_name, err);
    free(data);
    return out;
}

/* expected is a subset of actual: every key of an expected object is in
 * the actual one with a matching value; arrays match element for element
 * and have the same length; other values are equal. */
static int subset(const json_t *want, const json_t *got, tcpl_buf *path)
{
    size_t at = path->len;
    if (json_is_object(want)) {
        if (!json_is_object(got))
            return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)want, k, v)
        {
            tcpl_buf_printf(path, ".%s", k);
            json_t *g = json_object_get(got, k);
            if (!g || !subset(v, g, path))
                return 0;
            path->len = at;
            path->data[at] = 0;
        }
        return 1;
    }
    if (json_is_array(want)) {
        if (!json_is_array(got))
            return 0;
        if (json_array_size(want) != json_array_size(got)) {
            tcpl_buf_printf(path, " (length %zu, expected %zu)", json_array_size(got),
                            json_array_size(want));
            return 0;
        }
        for (size_t i = 0; i < json_array_size(want); i++) {
            tcpl_buf_printf(path, "[%zu]", i);
            if (!subset(json_array_get(want, i), json_array_get(got, i), path))
                return 0;
            path->len = at;
            path->data[at] = 0;
        }
        return 1;
    }
    return json_equal((json_t *)want, (json_t *)got);
}

static void check_json_subset(const char *name, const char *expected, const char *actual,
                              size_t actual_len)
{
    json_error_t je;
    json_t *want = json_loads(expected, 0, &je);
    if (!want)
        fail_msg("%s.expected: not JSON: %s (line %d)", name, je.text, je.line);
    /* "{}" would match anything */
    if (!json_is_object(want) || json_object_size(want) == 0)
        fail_msg("%s.expected: must be a JSON object with at least one key", name);
    json_t *got = json_loadb(actual, actual_len, 0, &je);
    assert_non_null(got);
    tcpl_buf path;
    tcpl_buf_init(&path);
    tcpl_buf_puts(&path, "$");
    if (!subset(want, got, &path)) {
        char *pretty = json_dumps(got, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fprintf(stderr, "%s: output differs from %s.expected at %s; the output was:\n%s\n", name, name,
                    path.data, pretty ? pretty : actual);
        free(pretty);
        fail();
    }
    tcpl_buf_free(&path);
    json_decref(want);
    json_decref(got);
}

static void run_case(void **state)
{
    const rcase *rc_ = *state;
    const char *name = rc_->name;
    parsed c;
    parse_case(&c, name);
    char *epath = case_path(name, ".expected");
    char *expected = tu_read_file(epath, NULL);
    if (!expected)
        fail_msg("%s: cannot read (every case needs its expected output)", epath);
    free(epath);

    tcpl_error err;
    int rc;
    tcpl_doc *doc = read_case(&c, &err, &rc);
    if (c.mode == MODE_ERROR) {
        /* the expected file: the error id, a newline */
        size_t n = strcspn(expected, "\n");
        expected[n] = 0;
        if (rc >= 0)
            fail_msg("%s: read succeeded; expected %s", name, expected);
        assert_null(doc);
        assert_non_null(err.id);
        assert_string_equal(err.id, expected);
    } else {
        if (rc < 0)
            fail_msg("%s: read failed: %s [%s] %s", name, err.id ? err.id : "?", err.where,
                     err.detail);
        char *out = NULL;
        size_t len = 0;
        if (c.mode == MODE_TEXT) {
            assert_int_equal(tcpl_doc_text(&out, &len, doc, c.text_flags, &err), 0);
            if (strcmp(out, expected) != 0) {
                print_error("%s: text differs from %s.expected\n--- got\n%s--- expected\n%s---\n",
                            name, name, out, expected);
                fail();
            }
        } else if (c.mode == MODE_MODEL) {
            assert_int_equal(tcpl_doc_json(&out, &len, doc, 0, &err), 0);
            check_json_subset(name, expected, out, len);
        } else {
            tcpl_extraction *x = NULL;
            assert_int_equal(tcpl_extract(&x, extractor, doc, &err), 0);
            assert_int_equal(tcpl_extraction_json(&out, &len, x, 0, &err), 0);
            tcpl_extraction_free(x);
            check_json_subset(name, expected, out, len);
        }
        free(out);
        tcpl_doc_free(doc);
    }
    free(expected);
    free(c.text);
}

/* The folder's names: NNN-name.xml with NNN-name.expected beside it, and
 * nothing else but README.md. */
static tcpl_vec list_cases(void)
{
    tcpl_vec v = TCPL_VEC_INIT(rcase);
    DIR *d = opendir(REGRESS_DIR);
    if (!d) {
        fprintf(stderr, "test_regress: no %s (run from the top of the tree)\n", REGRESS_DIR);
        exit(1);
    }
    struct dirent *e;
    int bad = 0;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t l = strlen(n);
        if (n[0] == '.' || !strcmp(n, "README.md"))
            continue;
        int xml = l > 4 && !strcmp(n + l - 4, ".xml");
        int exp = l > 9 && !strcmp(n + l - 9, ".expected");
        size_t stem = xml ? l - 4 : exp ? l - 9 : 0;
        if (!stem || stem >= sizeof(((rcase *)0)->name) || stem < 5 || n[0] < '0' || n[0] > '9' ||
            n[1] < '0' || n[1] > '9' || n[2] < '0' || n[2] > '9' || n[3] != '-') {
            fprintf(stderr, "test_regress: %s/%s is not NNN-name.xml or NNN-name.expected\n",
                    REGRESS_DIR, n);
            bad = 1;
            continue;
        }
        char other[300];
        snprintf(other, sizeof other, "%s/%.*s%s", REGRESS_DIR, (int)stem, n,
                 xml ? ".expected" : ".xml");
        FILE *f = fopen(other, "rb");
        if (!f) {
            fprintf(stderr, "test_regress: %s/%s has no %s\n", REGRESS_DIR, n, other);
            bad = 1;
            continue;
        }
        fclose(f);
        if (!xml)
            continue;
        rcase *c = tcpl_vec_push(&v);
        if (!c)
            abort();
        memcpy(c->name, n, stem);
        c->name[stem] = 0;
    }
    closedir(d);
    rcase *cs = TCPL_VEC_DATA(&v, rcase);
    for (size_t i = 0; i < v.len; i++)
        for (size_t j = 0; j < v.len; j++)
            if (i != j && !strncmp(cs[i].name, cs[j].name, 4)) {
                fprintf(stderr, "test_regress: two cases numbered %.3s\n", cs[i].name);
                bad = 1;
            }
    if (v.len < REGRESS_MIN_CASES) {
        fprintf(stderr, "test_regress: %zu cases in %s; at least %d expected\n", v.len,
                REGRESS_DIR, REGRESS_MIN_CASES);
        bad = 1;
    }
    if (bad)
        exit(1);
    return v;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const rcase *)a)->name, ((const rcase *)b)->name);
}

int main(void)
{
    ctx = tu_ctx();
    tcpl_error err;
    if (tcpl_extractor_new(&extractor, ctx, &err) < 0) {
        fprintf(stderr, "test_regress: extractor: %s\n", err.detail);
        return 1;
    }
    tcpl_vec v = list_cases();
    rcase *cs = TCPL_VEC_DATA(&v, rcase);
    qsort(cs, v.len, sizeof *cs, by_name);
    struct CMUnitTest *tests = calloc(v.len, sizeof *tests);
    assert_non_null(tests);
    for (size_t i = 0; i < v.len; i++) {
        tests[i].name = cs[i].name;
        tests[i].test_func = run_case;
        tests[i].initial_state = &cs[i];
    }
    int rc = _cmocka_run_group_tests("regress", tests, v.len, NULL, NULL);
    free(tests);
    tcpl_vec_free(&v);
    tcpl_extractor_free(extractor);
    tcpl_ctx_free(ctx);
    return rc;
}
