/* tcpl batch --dossiers PARENT: every subfolder of PARENT is one commune's
 * evidence dossier (docs/batch.md).  Each is checked with tcpl_dossier_run
 * in name order, one at a time (a dossier is a few dozen files; a province
 * a few hundred communes), and gets results/NAME.json and results/NAME.html;
 * the run ends with summary.csv and report.html listing every commune with
 * its missing and failing items.  Every file goes through a temporary name
 * (tcpl_write_file). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"
#include "tcpl/dossier.h"
#include "tcpl/io.h"

typedef struct commune {
    char *name;   /* the folder's name (bytes) */
    char *shown;  /* as UTF-8 text (bytes that are not escaped) */
    char *result; /* results/ file stem */
    size_t items, found, missing, failing, unmatched;
    char *missing_ids, *failing_ids; /* "ID: description; ..." */
    char *error;                     /* the folder could not be checked */
} commune;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const commune *)a)->name, ((const commune *)b)->name);
}

static void csv_cell(tcpl_buf *b, const char *s)
{
    tcpl_buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"')
            tcpl_buf_putc(b, '"');
        tcpl_buf_putc(b, *s);
    }
    tcpl_buf_putc(b, '"');
}

static void html_text(tcpl_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            tcpl_buf_puts(b, "&lt;");
            break;
        case '>':
            tcpl_buf_puts(b, "&gt;");
            break;
        case '&':
            tcpl_buf_puts(b, "&amp;");
            break;
        case '"':
            tcpl_buf_puts(b, "&quot;");
            break;
        default:
            tcpl_buf_putc(b, *s);
        }
    }
}

/* A file stem safe in results/: the name's letters kept (UTF-8 is fine on
 * every file system we write to), '/', control characters and a leading
 * dot replaced, cut to BATCH_NAME_BYTES on a character boundary. */
static char *stem_of(const char *shown)
{
    size_t n = strlen(shown);
    if (n > BATCH_NAME_BYTES) {
        n = BATCH_NAME_BYTES;
        while (n && ((unsigned char)shown[n] & 0xC0) == 0x80)
            n--;
    }
    char *s = malloc(n + 2);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] =
            (unsigned char)shown[i] < 0x20 || shown[i] == '/' || shown[i] == '\\' ? '_' : shown[i];
    s[n] = 0;
    if (s[0] == '.' || !s[0]) {
        memmove(s + 1, s, n + 1);
        s[0] = '_';
    }
    return s;
}

static int write_buf(const char *dir, const char *name, const char *ext, const char *data,
                     size_t len, tcpl_error *err)
{
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/%s%s", dir, name, ext);
    int rc = tcpl_buf_ok(&p) ? tcpl_write_file(p.data, data, len, err) : TCPL_NOMEM(err, dir);
    tcpl_buf_free(&p);
    return rc;
}

/* Checks one commune and writes its result files. */
static int one(commune *c, const tcpl_dossier_pack *p, const char *parent, const char *results,
               const tcpl_dossier_options *opts, const tcpl_ctx *ctx, tcpl_error *err)
{
    tcpl_buf path;
    tcpl_buf_init(&path);
    tcpl_buf_printf(&path, "%s/%s", parent, c->name);
    if (!tcpl_buf_ok(&path))
        return TCPL_NOMEM(err, parent);
    tcpl_dossier *d = NULL;
    tcpl_error e;
    tcpl_error_clear(&e);
    int rc = tcpl_dossier_run(&d, p, path.data, opts, &e);
    tcpl_buf_free(&path);
    if (rc == TCPL_ERR_NOMEM) {
        *err = e;
        return rc;
    }
    if (rc < 0) {
        char msg[1024];
        tcpl_error_format(ctx, &e, msg, sizeof msg);
        c->error = strdup(msg);
        return c->error ? 0 : TCPL_NOMEM(err, parent);
    }
    c->items = tcpl_dossier_item_count(d);
    c->found = tcpl_dossier_at(d, TCPL_DOSSIER_FOUND);
    c->missing = tcpl_dossier_at(d, TCPL_DOSSIER_MISSING);
    c->failing = tcpl_dossier_at(d, TCPL_DOSSIER_FAILING);
    c->unmatched = tcpl_dossier_unmatched_count(d);
    tcpl_buf mi, fi;
    tcpl_buf_init(&mi);
    tcpl_buf_init(&fi);
    for (size_t i = 0; i < c->items; i++) {
        const tcpl_dossier_item *it = tcpl_dossier_item_get(d, i);
        if (it->status == TCPL_DOSSIER_MISSING)
            tcpl_buf_printf(&mi, "%s%s: %s", mi.len ? "; " : "", it->id, it->description);
        else if (it->status == TCPL_DOSSIER_FAILING)
            tcpl_buf_printf(&fi, "%s%s: %s (%s)", fi.len ? "; " : "", it->id, it->reason, it->file);
    }
    tcpl_buf_putc(&mi, 0);
    tcpl_buf_putc(&fi, 0);
    c->missing_ids = tcpl_buf_detach(&mi, NULL);
    c->failing_ids = tcpl_buf_detach(&fi, NULL);
    char *js = NULL, *html = NULL;
    size_t jl = 0, hl = 0;
    rc = !c->missing_ids || !c->failing_ids ? TCPL_NOMEM(err, parent) : 0;
    if (rc == 0)
        rc = tcpl_dossier_json(&js, &jl, d, TCPL_JSON_PRETTY, err);
    if (rc == 0)
        rc = tcpl_dossier_html(&html, &hl, d, err);
    if (rc == 0)
        rc = write_buf(results, c->result, ".json", js, jl, err);
    if (rc == 0)
        rc = write_buf(results, c->result, ".html", html, hl, err);
    free(js);
    free(html);
    tcpl_dossier_free(d);
    return rc;
}

static int summary(const commune *cs, size_t n, const char *out_dir, const tcpl_ctx *ctx,
                   const char *title, tcpl_error *err)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, "\xEF\xBB\xBF"); /* BOM: Excel reads UTF-8 */
    tcpl_buf_puts(&b, "commune,items,found,missing,failing,unmatched,status,missing_items,"
                      "failing_items,result\r\n");
    for (size_t i = 0; i < n; i++) {
        const commune *c = &cs[i];
        csv_cell(&b, c->shown);
        tcpl_buf_printf(&b, ",%zu,%zu,%zu,%zu,%zu,", c->items, c->found, c->missing, c->failing,
                        c->unmatched);
        csv_cell(&b, c->error ? "error" : c->missing || c->failing ? "incomplete" : "complete");
        tcpl_buf_putc(&b, ',');
        csv_cell(&b, c->error ? c->error : c->missing_ids);
        tcpl_buf_putc(&b, ',');
        csv_cell(&b, c->failing_ids);
        tcpl_buf_printf(&b, ",\"results/%s.json\"\r\n", c->result);
    }
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, out_dir);
    }
    int rc = write_buf(out_dir, "summary", ".csv", b.data, b.len, err);
    tcpl_buf_reset(&b);
    if (rc < 0) {
        tcpl_buf_free(&b);
        return rc;
    }
    size_t incomplete = 0;
    for (size_t i = 0; i < n; i++)
        incomplete += cs[i].error || cs[i].missing || cs[i].failing;
    tcpl_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                    tcpl_ctx_lang(ctx));
    html_text(&b, tcpl_msg(ctx, "dossier.batch_title"));
    tcpl_buf_puts(&b,
                  "</title><style>body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}"
                  "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
                  "padding:.35em .5em;text-align:left;vertical-align:top}th{background:#f2f2f2}"
                  ".ok{background:#e6f4ea}.bad{background:#fde7e9}</style></head><body>\n<h1>");
    html_text(&b, tcpl_msg(ctx, "dossier.batch_title"));
    tcpl_buf_puts(&b, "</h1>\n<p>");
    html_text(&b, title);
    tcpl_buf_printf(&b, ": %zu, %s %zu, %s %zu</p>\n<table><thead><tr>", n,
                    tcpl_msg(ctx, "dossier.complete"), n - incomplete,
                    tcpl_msg(ctx, "dossier.incomplete"), incomplete);
    static const char *const cols[] = {"dossier.col_commune", "dossier.col_status",
                                       "dossier.col_missing_items", "dossier.col_failing_items"};
    for (size_t k = 0; k < 4; k++) {
        tcpl_buf_puts(&b, "<th>");
        html_text(&b, tcpl_msg(ctx, cols[k]));
        tcpl_buf_puts(&b, "</th>");
    }
    tcpl_buf_puts(&b, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const commune *c = &cs[i];
        int bad = c->error || c->missing || c->failing;
        tcpl_buf_printf(&b, "<tr class=\"%s\"><td><a href=\"results/", bad ? "bad" : "ok");
        html_text(&b, c->result);
        tcpl_buf_puts(&b, ".html\">");
        html_text(&b, c->shown);
        tcpl_buf_puts(&b, "</a></td><td>");
        html_text(&b, tcpl_msg(ctx, bad ? "dossier.incomplete" : "dossier.complete"));
        tcpl_buf_printf(&b, " (%zu/%zu)</td><td>", c->found, c->items);
        html_text(&b, c->error ? c->error : c->missing_ids);
        tcpl_buf_puts(&b, "</td><td>");
        html_text(&b, c->failing_ids);
        tcpl_buf_puts(&b, "</td></tr>\n");
    }
    tcpl_buf_puts(&b, "</tbody></table>\n</body></html>\n");
    rc = tcpl_buf_ok(&b) ? write_buf(out_dir, "report", ".html", b.data, b.len, err)
                         : TCPL_NOMEM(err, out_dir);
    tcpl_buf_free(&b);
    return rc;
}

int tcpl_dossier_batch(size_t *communes, size_t *incomplete, const tcpl_dossier_pack *p,
                       const char *parent, const char *out_dir, const tcpl_dossier_options *opts,
                       tcpl_error *err)
{
    if (!p || !parent || !out_dir || !*out_dir)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_batch");
    const tcpl_ctx *ctx = tcpl_dossier_pack_ctx(p);
    DIR *dir = opendir(parent);
    if (!dir)
        return tcpl_err(err, TCPL_ERR_IO, "dossier.not_dir", parent, NULL, NULL);
    tcpl_vec cs = TCPL_VEC_INIT(commune);
    int rc = 0;
    struct dirent *e;
    tcpl_buf path;
    tcpl_buf_init(&path);
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        tcpl_buf_reset(&path);
        tcpl_buf_printf(&path, "%s/%s", parent, e->d_name);
        struct stat st;
        /* a commune is a real folder: links are not followed here either */
        if (!tcpl_buf_ok(&path) || lstat(path.data, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (cs.len >= TCPL_DOSSIER_MAX_COMMUNES) {
            rc = tcpl_err(err, TCPL_ERR_LIMIT, "dossier.too_many", parent, NULL, "%d",
                          TCPL_DOSSIER_MAX_COMMUNES);
            break;
        }
        commune *c = tcpl_vec_push(&cs);
        if (!c || !(c->name = strdup(e->d_name))) {
            rc = TCPL_NOMEM(err, parent);
            break;
        }
    }
    closedir(dir);
    tcpl_buf_free(&path);
    commune *v = cs.data;
    if (rc == 0 && cs.len)
        qsort(v, cs.len, sizeof *v, cmp_name);
    for (size_t i = 0; rc == 0 && i < cs.len; i++) {
        if (tcpl_escape_text(&v[i].shown, v[i].name, TCPL_ESCAPE_CONTROLS, err) < 0 ||
            !(v[i].result = stem_of(v[i].shown)))
            rc = TCPL_NOMEM(err, parent);
        /* two names that escape alike (a\x01 and a_) keep apart by position */
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (!strcmp(v[j].result, v[i].result)) {
                char *r = malloc(strlen(v[i].result) + 24);
                if (!r) {
                    rc = TCPL_NOMEM(err, parent);
                    break;
                }
                sprintf(r, "%s-%zu", v[i].result, i + 1);
                free(v[i].result);
                v[i].result = r;
            }
    }
    char *results = NULL;
    if (rc == 0 && (rc = batch_make_dir(out_dir, err)) == 0) {
        results = malloc(strlen(out_dir) + 10);
        if (!results)
            rc = TCPL_NOMEM(err, out_dir);
        else {
            sprintf(results, "%s/results", out_dir);
            rc = batch_make_dir(results, err);
        }
    }
    for (size_t i = 0; rc == 0 && i < cs.len; i++)
        rc = one(&v[i], p, parent, results, opts, ctx, err);
    if (rc == 0)
        rc = summary(v, cs.len, out_dir, ctx, tcpl_dossier_pack_id(p), err);
    size_t bad = 0;
    for (size_t i = 0; i < cs.len; i++) {
        bad += v[i].error || v[i].missing || v[i].failing;
        free(v[i].name);
        free(v[i].shown);
        free(v[i].result);
        free(v[i].missing_ids);
        free(v[i].failing_ids);
        free(v[i].error);
    }
    if (communes)
        *communes = cs.len;
    if (incomplete)
        *incomplete = bad;
    tcpl_vec_free(&cs);
    free(results);
    return rc;
}
