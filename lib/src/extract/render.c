/* Extraction results as JSON (docs/extract.md) and as a readable outline. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/vec.h"
#include "extract/extract.h"
#include "tcpl/context.h"
#include "tcpl/io.h"

/* A JSON string from bytes that may not be UTF-8 (the file name is any
 * bytes the system allows): bad sequences become U+FFFD, as in the dump
 * (model/render.c), so the JSON is always valid UTF-8.  NULL only when out
 * of memory. */
static json_t *jstr(const char *s)
{
    if (!s)
        s = "";
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t n = strlen(s);
    tcpl_buf b;
    tcpl_buf_init(&b);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k > 0) {
            tcpl_buf_put(&b, s + i, (size_t)k);
            i += (size_t)k;
        } else {
            tcpl_buf_put_utf8(&b, 0xFFFD);
            i++;
        }
    }
    v = tcpl_buf_ok(&b) ? json_stringn(b.data ? b.data : "", b.len) : NULL;
    tcpl_buf_free(&b);
    return v;
}

static json_t *str_or_null(const char *s)
{
    return s ? jstr(s) : json_null();
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v ? json_object_set_new(o, k, v) : -1;
}

static json_t *units_json(const tcpl_xunit *u, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "canonical", jstr(u[i].canonical),
                                               "printed", jstr(u[i].printed), "note",
                                               jstr(u[i].note))) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *fields_json(unsigned bits)
{
    json_t *a = json_array();
    for (unsigned bit = 1; a && bit <= TCPL_FIELD_SOLUTION; bit <<= 1)
        if ((bits & bit) && json_array_append_new(a, jstr(tcpl_field_name(bit))) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, jstr(v[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* The path of section i, or null. */
static json_t *section_path(const tcpl_extraction *x, int i)
{
    return i >= 0 && (size_t)i < x->nsections ? jstr(x->sections[i].path) : json_null();
}

static json_t *activity_json(const tcpl_extraction *x, const tcpl_xactivity *a)
{
    json_t *t = json_pack("{s:o,s:s,s:o,s:o,s:b,s:b,s:i}", "text", jstr(a->time.text), "kind",
                          tcpl_time_kind_name(a->time.kind), "start", str_or_null(a->time.start),
                          "end", str_or_null(a->time.end), "recurring", a->time.recurring,
                          "invalid", a->time.invalid, "block", a->time.block);
    json_t *ao = json_object();
    int bad = !ao;
    if (ao) {
        bad |= put(ao, "path", jstr(a->path));
        bad |= put(ao, "title", jstr(a->title));
        bad |= put(ao, "lead", units_json(a->lead, a->nlead));
        bad |= put(ao, "support", units_json(a->support, a->nsupport));
        bad |= put(ao, "time", t);
        t = NULL;
        bad |= put(ao, "product", jstr(a->product));
        bad |= put(ao, "cause", jstr(a->cause));
        bad |= put(ao, "solution", jstr(a->solution));
        bad |= put(ao, "notes", strings_json(a->notes, a->nnotes));
        bad |= put(ao, "present", fields_json(a->present));
        bad |= put(ao, "missing", fields_json(a->missing));
        bad |= put(ao, "unlabelled", json_integer(a->unlabelled));
        bad |= put(ao, "duplicate_of", section_path(x, a->duplicate_of));
        bad |= put(ao, "block", json_integer(a->block));
        bad |= put(ao, "lead_block", json_integer(a->lead_block));
    }
    json_decref(t);
    if (bad) {
        json_decref(ao);
        return NULL;
    }
    return ao;
}

static json_t *build(const tcpl_extraction *x)
{
    const tcpl_xmeta *m = &x->meta;
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= put(o, "file", jstr(m->file));
    bad |= put(o, "kind", jstr(m->kind));
    bad |= put(o, "number", jstr(m->number));
    bad |= put(o, "number_blank", json_boolean(m->number_blank));
    bad |= put(o, "symbol", jstr(m->symbol));
    bad |= put(o, "authority", jstr(m->authority));
    bad |= put(o, "national_header", json_boolean(m->national_header));
    bad |= put(o, "place", jstr(m->place));
    bad |= put(o, "date",
               json_pack("{s:o,s:o,s:b,s:b,s:i,s:i,s:i}", "text", jstr(m->date.text), "iso",
                         str_or_null(m->date.iso), "complete", m->date.complete, "invalid",
                         m->date.invalid, "day_digits", m->date.day_digits, "month_digits",
                         m->date.month_digits, "block", m->date.block));
    bad |= put(o, "title", jstr(m->title));
    bad |= put(o, "blocks",
               json_pack("{s:i,s:i,s:i,s:i}", "kind", m->kind_block, "number", m->number_block,
                         "authority", m->authority_block, "title", m->title_block));

    json_t *cites = json_array();
    for (size_t i = 0; cites && i < x->ncitations; i++) {
        const tcpl_xcitation *c = &x->citations[i];
        bad |= json_array_append_new(
            cites,
            json_pack("{s:o,s:o,s:o,s:b,s:b,s:o,s:o,s:i,s:i}", "kind", jstr(c->kind), "number",
                      jstr(c->number), "date", str_or_null(c->date), "date_invalid",
                      c->date_invalid, "date_conflict", c->date_conflict, "issuer", jstr(c->issuer),
                      "text", jstr(c->text), "mentions", c->mentions, "block", c->block));
    }
    bad |= put(o, "citations", cites);

    /* Sections: parents precede children in the flat array. */
    json_t *roots = json_array();
    json_t **nodes = calloc(x->nsections ? x->nsections : 1, sizeof *nodes);
    if (!nodes)
        bad = 1;
    for (size_t i = 0; !bad && roots && i < x->nsections; i++) {
        const tcpl_xsection *s = &x->sections[i];
        nodes[i] = json_pack("{s:o,s:o,s:o,s:i,s:b,s:o,s:i,s:[]}", "label", jstr(s->label), "title",
                             jstr(s->title), "path", jstr(s->path), "level", s->level, "auto_label",
                             s->auto_label, "duplicate_of", section_path(x, s->duplicate_of),
                             "block", s->block, "children");
        if (!nodes[i]) {
            bad = 1;
            break;
        }
        json_t *parent = s->parent >= 0 ? json_object_get(nodes[s->parent], "children") : roots;
        bad |= json_array_append_new(parent, nodes[i]);
    }
    free(nodes);
    bad |= put(o, "sections", roots);

    json_t *acts = json_array();
    for (size_t i = 0; acts && i < x->nactivities; i++)
        bad |= json_array_append_new(acts, activity_json(x, &x->activities[i]));
    bad |= put(o, "activities", acts);

    json_t *dl = json_array();
    for (size_t i = 0; dl && i < x->ndeadlines; i++) {
        const tcpl_xdeadline *d = &x->deadlines[i];
        bad |= json_array_append_new(dl, json_pack("{s:o,s:o,s:b,s:i}", "text", jstr(d->text),
                                                   "date", str_or_null(d->date), "invalid",
                                                   d->invalid, "block", d->block));
    }
    bad |= put(o, "deadlines", dl);

    json_t *rec = json_array();
    for (size_t i = 0; rec && i < x->nrecipients; i++)
        bad |= json_array_append_new(rec, jstr(x->recipients[i]));
    bad |= put(o, "recipients", rec);
    const tcpl_xsigner *s = &x->signer;
    bad |= put(o, "signer",
               json_pack("{s:o,s:o,s:o,s:o,s:i}", "capacity", jstr(s->capacity), "deputy",
                         jstr(s->deputy), "title", jstr(s->title), "name", jstr(s->name), "block",
                         s->block));
    json_t *diags = json_array();
    for (size_t i = 0; diags && i < x->diags.len; i++) {
        const tcpl_xdiag *d = &TCPL_VEC_AT(&x->diags, tcpl_xdiag, i);
        bad |= json_array_append_new(diags, json_pack("{s:s,s:o,s:i}", "code", d->code, "detail",
                                                      jstr(d->detail), "block", d->block));
    }
    bad |= put(o, "diagnostics", diags);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int tcpl_extraction_json(char **out, size_t *len, const tcpl_extraction *x, unsigned options,
                         tcpl_error *err)
{
    *out = NULL;
    json_t *o = build(x);
    char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER |
                                    (options & TCPL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT))
                : NULL;
    json_decref(o);
    if (!s)
        return TCPL_NOMEM(err, x->meta.file);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_puts(&b, s);
    tcpl_buf_putc(&b, '\n');
    free(s);
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, x->meta.file);
}

/* ---- outline -------------------------------------------------------- */

/* Titles in the outline are cut at a word boundary to about this many
 * bytes (a readable line); the JSON keeps them whole. */
#define OUTLINE_SECTION_TITLE 90
#define OUTLINE_ACTIVITY_TITLE 80

/* The first at most max bytes of s, cut at a word boundary (a Vietnamese
 * word is one syllable: never cut inside one), without the spaces and
 * commas before the cut; *cut says whether anything was left out.  A
 * single word longer than max is cut at a character boundary that keeps
 * combining marks with their letter. */
static int cut_len(const char *s, size_t max, int *cut)
{
    size_t n = strlen(s);
    *cut = n > max;
    if (n <= max)
        return (int)n;
    size_t k = max;
    /* s[k] is where the cut falls: at a space it is a boundary already. */
    while (k > 0 && s[k] != ' ')
        k--;
    if (k == 0) {
        k = max;
        for (;;) {
            while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--;
            utf8proc_int32_t c;
            if (k == 0 ||
                utf8proc_iterate((const utf8proc_uint8_t *)s + k, (utf8proc_ssize_t)(n - k), &c) <=
                    0 ||
                utf8proc_category(c) != UTF8PROC_CATEGORY_MN)
                break;
            k--;
        }
    }
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == ',' || s[k - 1] == ';' || s[k - 1] == ':'))
        k--;
    return (int)k;
}

static void field(tcpl_buf *b, const tcpl_ctx *ctx, const char *id, const char *value)
{
    tcpl_buf_printf(b, "%s: %s\n", tcpl_msg(ctx, id),
                    value && *value ? value : tcpl_msg(ctx, "out.none"));
}

int tcpl_extraction_outline(char **out, size_t *len, const tcpl_extraction *x, const tcpl_ctx *ctx,
                            tcpl_error *err)
{
    const tcpl_xmeta *m = &x->meta;
    tcpl_buf b;
    tcpl_buf_init(&b);
    /* The name as the system gave it may hold any byte: control characters
     * (a newline, ESC) and bytes that are not UTF-8 are shown escaped (\n,
     * \x1b, \xff), so a name can neither forge outline lines nor drive the
     * terminal. */
    char *name = NULL;
    int rc = tcpl_escape_text(&name, m->file, TCPL_ESCAPE_CONTROLS, err);
    if (rc < 0)
        return rc;
    tcpl_buf_printf(&b, "== %s ==\n", name);
    free(name);
    field(&b, ctx, "out.kind", m->kind);
    if (m->number_blank)
        tcpl_buf_printf(&b, "%s: %s /%s\n", tcpl_msg(ctx, "out.number"), tcpl_msg(ctx, "out.blank"),
                        m->symbol);
    else
        field(&b, ctx, "out.number", m->number);
    field(&b, ctx, "out.authority", m->authority);
    tcpl_buf_printf(&b, "%s: %s%s%s", tcpl_msg(ctx, "out.date"), m->place, m->place[0] ? ", " : "",
                    m->date.text[0] ? m->date.text : tcpl_msg(ctx, "out.none"));
    if (m->date.iso)
        tcpl_buf_printf(&b, " (%s%s%s)", m->date.iso, m->date.complete ? "" : "; ",
                        m->date.complete ? "" : tcpl_msg(ctx, "out.incomplete"));
    tcpl_buf_putc(&b, '\n');
    field(&b, ctx, "out.title", m->title);
    if (!m->national_header)
        tcpl_buf_printf(&b, "%s\n", tcpl_msg(ctx, "out.no_national_header"));

    tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.citations"), x->ncitations);
    for (size_t i = 0; i < x->ncitations; i++) {
        const tcpl_xcitation *c = &x->citations[i];
        tcpl_buf_printf(&b, "  - %s %s", c->kind, c->number);
        if (c->date)
            tcpl_buf_printf(&b, " (%s)", c->date);
        if (c->issuer[0])
            tcpl_buf_printf(&b, " — %s", c->issuer);
        tcpl_buf_printf(&b, "  [%s %d]\n", tcpl_msg(ctx, "out.block"), c->block);
    }

    tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.sections"), x->nsections);
    for (size_t i = 0; i < x->nsections; i++) {
        const tcpl_xsection *s = &x->sections[i];
        int cut, tl = cut_len(s->title, OUTLINE_SECTION_TITLE, &cut);
        tcpl_buf_printf(&b, "  %*s%s %.*s%s\n", (s->level - 1) * 2, "", s->label, tl, s->title,
                        cut ? " …" : "");
    }

    tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.activities"), x->nactivities);
    for (size_t i = 0; i < x->nactivities; i++) {
        const tcpl_xactivity *a = &x->activities[i];
        int cut, tl = cut_len(a->title, OUTLINE_ACTIVITY_TITLE, &cut);
        tcpl_buf_printf(&b, "  %s  %.*s%s  [%s %d]\n", a->path, tl, a->title, cut ? " …" : "",
                        tcpl_msg(ctx, "out.block"), a->block);
        if (a->duplicate_of >= 0)
            tcpl_buf_printf(&b, "      %s %s\n", tcpl_msg(ctx, "out.duplicate"),
                            x->sections[a->duplicate_of].path);
        const struct {
            const char *id;
            const tcpl_xunit *u;
            size_t n;
        } lists[] = {{"out.lead", a->lead, a->nlead}, {"out.support", a->support, a->nsupport}};
        for (size_t k = 0; k < 2; k++) {
            if (!lists[k].n)
                continue;
            tcpl_buf_printf(&b, "      %s: ", tcpl_msg(ctx, lists[k].id));
            for (size_t u = 0; u < lists[k].n; u++)
                tcpl_buf_printf(&b, "%s%s", u ? "; " : "", lists[k].u[u].canonical);
            tcpl_buf_putc(&b, '\n');
        }
        if (a->time.text[0]) {
            tcpl_buf_printf(&b, "      %s: %s", tcpl_msg(ctx, "out.time"), a->time.text);
            if (a->time.start || a->time.end)
                tcpl_buf_printf(&b, " (%s → %s)", a->time.start ? a->time.start : "…",
                                a->time.end ? a->time.end : "…");
            tcpl_buf_putc(&b, '\n');
        }
        if (a->product[0])
            tcpl_buf_printf(&b, "      %s: %s\n", tcpl_msg(ctx, "out.product"), a->product);
        if (a->cause[0])
            tcpl_buf_printf(&b, "      %s: %s\n", tcpl_msg(ctx, "out.cause"), a->cause);
        if (a->solution[0])
            tcpl_buf_printf(&b, "      %s: %s\n", tcpl_msg(ctx, "out.solution"), a->solution);
        for (size_t k = 0; k < a->nnotes; k++)
            tcpl_buf_printf(&b, "      %s: %s\n", tcpl_msg(ctx, "out.note"), a->notes[k]);
        if (a->missing) {
            tcpl_buf_printf(&b, "      %s:", tcpl_msg(ctx, "out.missing"));
            for (unsigned bit = 1; bit <= TCPL_FIELD_SOLUTION; bit <<= 1)
                if (a->missing & bit) {
                    char id[32];
                    snprintf(id, sizeof id, "field.%s", tcpl_field_name(bit));
                    tcpl_buf_printf(&b, " %s;", tcpl_msg(ctx, id));
                }
            tcpl_buf_putc(&b, '\n');
        }
    }

    tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.deadlines"), x->ndeadlines);
    for (size_t i = 0; i < x->ndeadlines; i++)
        tcpl_buf_printf(&b, "  - %s (%s)  [%s %d]\n", x->deadlines[i].text,
                        x->deadlines[i].date ? x->deadlines[i].date : tcpl_msg(ctx, "out.invalid"),
                        tcpl_msg(ctx, "out.block"), x->deadlines[i].block);
    tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.recipients"), x->nrecipients);
    for (size_t i = 0; i < x->nrecipients; i++)
        tcpl_buf_printf(&b, "  - %s\n", x->recipients[i]);
    const tcpl_xsigner *s = &x->signer;
    tcpl_buf_printf(&b, "\n%s: %s%s%s%s%s%s%s\n", tcpl_msg(ctx, "out.signer"), s->capacity,
                    s->capacity[0] ? " / " : "", s->deputy, s->deputy[0] ? " / " : "", s->title,
                    s->title[0] ? " — " : "", s->name[0] ? s->name : "");
    if (x->diags.len) {
        tcpl_buf_printf(&b, "\n%s (%zu):\n", tcpl_msg(ctx, "out.diagnostics"), x->diags.len);
        for (size_t i = 0; i < x->diags.len; i++) {
            const tcpl_xdiag *d = &TCPL_VEC_AT(&x->diags, tcpl_xdiag, i);
            char id[64];
            snprintf(id, sizeof id, "diag.%s", d->code);
            tcpl_buf_puts(&b, "  - ");
            tcpl_msg_subst(&b, tcpl_msg(ctx, id), d->detail);
            if (d->block >= 0)
                tcpl_buf_printf(&b, "  [%s %d]", tcpl_msg(ctx, "out.block"), d->block);
            tcpl_buf_putc(&b, '\n');
        }
    }
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, m->file);
}
