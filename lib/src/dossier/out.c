/* A dossier's outputs: JSON in the findings shape of `tcpl check` (so
 * `tcpl conclude` takes it), compiler-like text, one HTML page. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/io.h"
#include "base/error.h"
#include "dossier/dossier.h"
#include "tcpl/io.h"
#include "tcpl/model.h"

/* Rule id of the walk's notes (a link, a limit, an unreadable folder). */
#define DOSSIER_WALK_RULE "HS-THU-MUC"

/* A path as JSON: file names are any bytes, the JSON stays UTF-8. */
static json_t *jpath(const char *s)
{
    char *e = NULL;
    if (tcpl_escape_text(&e, s ? s : "", 0, NULL) < 0)
        return NULL;
    json_t *j = json_string(e);
    free(e);
    return j;
}

typedef struct fnd {
    const char *rule, *message, *excerpt, *basis;
    tcpl_severity sev;
    tcpl_category cat;
} fnd;

/* Every finding of the dossier, in item order, then the walk's notes. */
static int findings(const tcpl_dossier *d, tcpl_vec *v, tcpl_arena *a)
{
    const tcpl_ctx *ctx = d->p->ctx;
    for (size_t i = 0; i < d->items.len; i++) {
        const tcpl_dossier_item *it = &TCPL_VEC_AT(&d->items, tcpl_dossier_item, i);
        fnd f = {it->id, NULL, "", it->proves, TCPL_SEV_LOI, TCPL_CAT_EVIDENCE};
        if (it->status == TCPL_DOSSIER_MISSING) {
            f.message = dz_msg(a, ctx, "dossier.missing", it->description);
        } else if (it->status == TCPL_DOSSIER_FAILING) {
            tcpl_buf b;
            tcpl_buf_init(&b);
            tcpl_buf_printf(&b, "%s — %s", it->description, it->reason);
            f.message = tcpl_buf_ok(&b) ? tcpl_arena_strndup(a, b.data, b.len) : NULL;
            tcpl_buf_free(&b);
            f.rule = *it->rule ? it->rule : it->id;
            f.excerpt = it->file;
            /* a score table that does not add up is arithmetic, not missing evidence */
            for (size_t k = 0; k < d->finds.len; k++) {
                const dfind *t = &TCPL_VEC_AT(&d->finds, dfind, k);
                if (t->item == i && !strcmp(t->file, it->file) && !strcmp(t->message, it->reason))
                    f.cat = t->category;
            }
        } else if (!it->checked) {
            f.message = dz_msg(a, ctx, "dossier.unchecked", it->description);
            f.excerpt = it->file;
            f.sev = TCPL_SEV_CANH_BAO;
        } else {
            goto tables;
        }
        if (!f.message)
            return -1;
        fnd *slot = tcpl_vec_push(v);
        if (!slot)
            return -1;
        *slot = f;
    tables:
        for (size_t k = 0; k < d->finds.len; k++) {
            const dfind *t = &TCPL_VEC_AT(&d->finds, dfind, k);
            /* this item's table findings; the failing one is above */
            if (t->item != i || (it->status == TCPL_DOSSIER_FAILING &&
                                 !strcmp(t->message, it->reason) && !strcmp(t->file, it->file)))
                continue;
            fnd *s = tcpl_vec_push(v);
            if (!s)
                return -1;
            *s = (fnd){t->rule, t->message, t->file, t->basis, t->severity, t->category};
        }
    }
    for (size_t i = 0; i < d->notes.len; i++) {
        fnd *s = tcpl_vec_push(v);
        if (!s)
            return -1;
        *s = (fnd){
            DOSSIER_WALK_RULE, TCPL_VEC_AT(&d->notes, const char *, i), "", "", TCPL_SEV_CANH_BAO,
            TCPL_CAT_EVIDENCE};
    }
    return 0;
}

int tcpl_dossier_json(char **out, size_t *len, const tcpl_dossier *d, unsigned options,
                      tcpl_error *err)
{
    if (!out || !d)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_json");
    *out = NULL;
    tcpl_arena a;
    tcpl_arena_init(&a);
    tcpl_vec fv = TCPL_VEC_INIT(fnd);
    json_t *o = json_object(), *items = json_array(), *fs = json_array(), *um = json_array(),
           *notes = json_array();
    int bad = !o || !items || !fs || !um || !notes || findings(d, &fv, &a) < 0;
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; !bad && i < fv.len; i++) {
        const fnd *f = &TCPL_VEC_AT(&fv, fnd, i);
        counts[f->sev]++;
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:o,s:s}", "rule", f->rule, "severity",
                              tcpl_severity_name(f->sev), "category", tcpl_category_name(f->cat),
                              "message", f->message, "block", -1, "section", "", "excerpt",
                              jpath(f->excerpt), "basis", f->basis);
        bad |= !j || json_array_append_new(fs, j) < 0;
    }
    for (size_t i = 0; !bad && i < d->items.len; i++) {
        const tcpl_dossier_item *it = &TCPL_VEC_AT(&d->items, tcpl_dossier_item, i);
        json_t *files = json_array();
        for (size_t k = 0; files && k < it->nfiles; k++)
            if (json_array_append_new(files, jpath(it->files[k])) < 0) {
                json_decref(files);
                files = NULL;
            }
        json_t *j = files ? json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b}", "id", it->id,
                                      "description", it->description, "proves", it->proves,
                                      "status", tcpl_dossier_status_name(it->status), "files",
                                      files, "file", jpath(it->file), "rule", it->rule, "reason",
                                      it->reason, "checked", it->checked)
                          : NULL;
        bad |= !j || json_array_append_new(items, j) < 0;
    }
    for (size_t i = 0; !bad && i < d->unmatched.len; i++)
        bad |= json_array_append_new(um, jpath(TCPL_VEC_AT(&d->unmatched, const char *, i))) < 0;
    for (size_t i = 0; !bad && i < d->notes.len; i++)
        bad |=
            json_array_append_new(notes, json_string(TCPL_VEC_AT(&d->notes, const char *, i))) < 0;
    if (!bad) {
        json_object_set_new(o, "file", jpath(d->dir));
        json_object_set_new(o, "kind", json_string("HỒ SƠ"));
        json_object_set_new(o, "pack", json_string(d->p->id));
        json_object_set_new(
            o, "dossier",
            json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:b}", "title", d->p->title, "files",
                      (json_int_t)d->seen, "found",
                      (json_int_t)tcpl_dossier_at(d, TCPL_DOSSIER_FOUND), "missing",
                      (json_int_t)tcpl_dossier_at(d, TCPL_DOSSIER_MISSING), "failing",
                      (json_int_t)tcpl_dossier_at(d, TCPL_DOSSIER_FAILING), "unmatched",
                      (json_int_t)d->unmatched.len, "truncated", d->truncated));
        json_object_set_new(o, "items", items);
        json_object_set_new(o, "unmatched", um);
        json_object_set_new(o, "notes", notes);
        json_object_set_new(o, "findings", fs);
        json_object_set_new(o, "counts",
                            json_pack("{s:i,s:i,s:i}", "loi", (json_int_t)counts[0], "canh-bao",
                                      (json_int_t)counts[1], "goi-y", (json_int_t)counts[2]));
        items = fs = um = notes = NULL;
    }
    json_decref(items);
    json_decref(fs);
    json_decref(um);
    json_decref(notes);
    char *s = bad ? NULL
                  : json_dumps(o, JSON_PRESERVE_ORDER |
                                      (options & TCPL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(o);
    tcpl_vec_free(&fv);
    tcpl_arena_free(&a);
    if (!s)
        return TCPL_NOMEM(err, d->dir);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, s);
    tcpl_buf_putc(&b, '\n');
    free(s);
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, d->dir);
}

static const char *status_id(tcpl_dossier_status s)
{
    return s == TCPL_DOSSIER_FOUND     ? "dossier.status.found"
           : s == TCPL_DOSSIER_MISSING ? "dossier.status.missing"
                                       : "dossier.status.failing";
}

/* s escaped for a terminal line (control characters, bytes not UTF-8). */
static void put_shown(tcpl_buf *b, const char *s)
{
    char *e = NULL;
    if (tcpl_escape_text(&e, s ? s : "", TCPL_ESCAPE_CONTROLS, NULL) < 0) {
        b->failed = 1;
        return;
    }
    tcpl_buf_puts(b, e);
    free(e);
}

int tcpl_dossier_text(char **out, size_t *len, const tcpl_dossier *d, tcpl_error *err)
{
    if (!out || !d)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_text");
    const tcpl_ctx *ctx = d->p->ctx;
    tcpl_buf b;
    tcpl_buf_init(&b);
    for (size_t i = 0; i < d->items.len; i++) {
        const tcpl_dossier_item *it = &TCPL_VEC_AT(&d->items, tcpl_dossier_item, i);
        put_shown(&b, d->dir);
        tcpl_buf_printf(&b, ": [%s] %s %s", tcpl_msg(ctx, status_id(it->status)), it->id,
                        it->description);
        if (it->status != TCPL_DOSSIER_MISSING) {
            tcpl_buf_puts(&b, " — ");
            put_shown(&b, it->file);
            if (it->nfiles > 1)
                tcpl_buf_printf(&b, " (+%zu)", it->nfiles - 1);
        }
        if (it->status == TCPL_DOSSIER_FAILING)
            tcpl_buf_printf(&b, ": %s", it->reason);
        else if (!it->checked)
            tcpl_buf_printf(&b, " (%s)", tcpl_msg(ctx, "dossier.unchecked_short"));
        tcpl_buf_putc(&b, '\n');
    }
    for (size_t k = 0; k < d->finds.len; k++) {
        const dfind *t = &TCPL_VEC_AT(&d->finds, dfind, k);
        if (t->severity == TCPL_SEV_LOI)
            continue; /* shown as the item's reason */
        put_shown(&b, d->dir);
        tcpl_buf_puts(&b, "/");
        put_shown(&b, t->file);
        tcpl_buf_printf(&b, ": %s [%s] %s\n", tcpl_msg(ctx, "dossier.warning"), t->rule,
                        t->message);
    }
    for (size_t i = 0; i < d->unmatched.len; i++) {
        put_shown(&b, d->dir);
        tcpl_buf_puts(&b, "/");
        put_shown(&b, TCPL_VEC_AT(&d->unmatched, const char *, i));
        tcpl_buf_printf(&b, ": %s\n", tcpl_msg(ctx, "dossier.unmatched_one"));
    }
    for (size_t i = 0; i < d->notes.len; i++) {
        put_shown(&b, d->dir);
        tcpl_buf_puts(&b, ": ");
        put_shown(&b, TCPL_VEC_AT(&d->notes, const char *, i));
        tcpl_buf_putc(&b, '\n');
    }
    put_shown(&b, d->dir);
    tcpl_buf_printf(
        &b, ": %s: %zu %s, %zu %s, %zu %s\n", d->p->id, tcpl_dossier_at(d, TCPL_DOSSIER_FOUND),
        tcpl_msg(ctx, "dossier.status.found"), tcpl_dossier_at(d, TCPL_DOSSIER_MISSING),
        tcpl_msg(ctx, "dossier.status.missing"), tcpl_dossier_at(d, TCPL_DOSSIER_FAILING),
        tcpl_msg(ctx, "dossier.status.failing"));
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, d->dir);
    }
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, d->dir);
}

static void html(tcpl_buf *b, const char *s)
{
    tcpl_buf_put_html(b, s);
}

int tcpl_dossier_html(char **out, size_t *len, const tcpl_dossier *d, tcpl_error *err)
{
    if (!out || !d)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_html");
    const tcpl_ctx *ctx = d->p->ctx;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_printf(&b,
                    "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                    "<title>",
                    tcpl_ctx_lang(ctx));
    html(&b, tcpl_msg(ctx, "dossier.html_title"));
    tcpl_buf_puts(&b, " — ");
    html(&b, d->dir);
    tcpl_buf_puts(
        &b, "</title><style>body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}"
            "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:"
            ".35em .5em;text-align:left;vertical-align:top}th{background:#f2f2f2}"
            ".found{background:#e6f4ea}.missing{background:#fde7e9}.failing{background:#fff4d6}"
            "small{color:#555}code{font-size:90%}</style></head><body>\n<h1>");
    html(&b, tcpl_msg(ctx, "dossier.html_title"));
    tcpl_buf_puts(&b, "</h1>\n<p><b>");
    html(&b, d->dir);
    tcpl_buf_puts(&b, "</b> — ");
    html(&b, d->p->title);
    tcpl_buf_printf(&b, " <small>(%s; %s)</small></p>\n<p>", d->p->id, d->p->basis);
    tcpl_buf_printf(
        &b, "%zu %s, %zu %s, %zu %s</p>\n<table><thead><tr><th>",
        tcpl_dossier_at(d, TCPL_DOSSIER_FOUND), tcpl_msg(ctx, "dossier.status.found"),
        tcpl_dossier_at(d, TCPL_DOSSIER_MISSING), tcpl_msg(ctx, "dossier.status.missing"),
        tcpl_dossier_at(d, TCPL_DOSSIER_FAILING), tcpl_msg(ctx, "dossier.status.failing"));
    static const char *const cols[] = {"dossier.col_item", "dossier.col_status",
                                       "dossier.col_files", "dossier.col_reason"};
    for (size_t c = 0; c < 4; c++) {
        html(&b, tcpl_msg(ctx, cols[c]));
        tcpl_buf_puts(&b, c < 3 ? "</th><th>" : "</th></tr></thead><tbody>\n");
    }
    for (size_t i = 0; i < d->items.len; i++) {
        const tcpl_dossier_item *it = &TCPL_VEC_AT(&d->items, tcpl_dossier_item, i);
        tcpl_buf_printf(&b, "<tr class=\"%s\"><td><b>", tcpl_dossier_status_name(it->status));
        html(&b, it->description);
        tcpl_buf_puts(&b, "</b><br><small><code>");
        html(&b, it->id);
        tcpl_buf_puts(&b, "</code> ");
        html(&b, it->proves);
        tcpl_buf_puts(&b, "</small></td><td>");
        html(&b, tcpl_msg(ctx, status_id(it->status)));
        tcpl_buf_puts(&b, "</td><td>");
        for (size_t k = 0; k < it->nfiles; k++) {
            if (k)
                tcpl_buf_puts(&b, "<br>");
            int main_file = !strcmp(it->files[k], it->file);
            tcpl_buf_puts(&b, main_file ? "<b>" : "");
            html(&b, it->files[k]);
            tcpl_buf_puts(&b, main_file ? "</b>" : "");
        }
        tcpl_buf_puts(&b, "</td><td>");
        if (it->status == TCPL_DOSSIER_FAILING)
            html(&b, it->reason);
        else if (!it->checked)
            html(&b, tcpl_msg(ctx, "dossier.unchecked_short"));
        for (size_t k = 0; k < d->finds.len; k++) {
            const dfind *t = &TCPL_VEC_AT(&d->finds, dfind, k);
            if (t->item != i || t->severity == TCPL_SEV_LOI)
                continue;
            tcpl_buf_puts(&b, "<br><small>");
            html(&b, t->message);
            tcpl_buf_puts(&b, "</small>");
        }
        tcpl_buf_puts(&b, "</td></tr>\n");
    }
    tcpl_buf_puts(&b, "</tbody></table>\n");
    if (d->unmatched.len) {
        tcpl_buf_puts(&b, "<h2>");
        html(&b, tcpl_msg(ctx, "dossier.unmatched"));
        tcpl_buf_puts(&b, "</h2>\n<ul>");
        for (size_t i = 0; i < d->unmatched.len; i++) {
            tcpl_buf_puts(&b, "<li>");
            html(&b, TCPL_VEC_AT(&d->unmatched, const char *, i));
            tcpl_buf_puts(&b, "</li>");
        }
        tcpl_buf_puts(&b, "</ul>\n");
    }
    if (d->notes.len) {
        tcpl_buf_puts(&b, "<h2>");
        html(&b, tcpl_msg(ctx, "dossier.notes"));
        tcpl_buf_puts(&b, "</h2>\n<ul>");
        for (size_t i = 0; i < d->notes.len; i++) {
            tcpl_buf_puts(&b, "<li>");
            html(&b, TCPL_VEC_AT(&d->notes, const char *, i));
            tcpl_buf_puts(&b, "</li>");
        }
        tcpl_buf_puts(&b, "</ul>\n");
    }
    tcpl_buf_puts(&b, "</body></html>\n");
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, d->dir);
    }
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, d->dir);
}
