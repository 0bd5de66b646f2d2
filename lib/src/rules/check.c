/* The checker: packs and registry loaded once; tcpl_check runs the chosen
 * packs' rules over one document and its extraction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/data.h"
#include "base/error.h"
#include "base/io.h"
#include "rules/rules.h"
#include "rules/spell.h"

/* The default packs the data names (checks/packs.yaml). */
#define PACKS_FILE "packs.yaml"

int tcpl_checker_new(tcpl_checker **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    tcpl_checker *c = calloc(1, sizeof *c);
    if (!c)
        return TCPL_NOMEM(err, NULL);
    tcpl_arena_init(&c->arena);
    tcpl_vec_init(&c->packs, sizeof(pack));
    c->ctx = ctx;
    int rc = rl_registry_load(c, err);
    if (rc < 0) {
        tcpl_checker_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void tcpl_checker_free(tcpl_checker *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->packs.len; i++)
        rl_pack_free(&TCPL_VEC_AT(&c->packs, pack, i));
    spell_free(c->spell);
    tcpl_vec_free(&c->packs);
    tcpl_arena_free(&c->arena);
    free(c);
}

size_t tcpl_checker_pack_count(const tcpl_checker *c)
{
    return c ? c->packs.len : 0;
}

const char *tcpl_checker_pack_id(const tcpl_checker *c, size_t i)
{
    return c && i < c->packs.len ? TCPL_VEC_AT(&c->packs, pack, i).id : NULL;
}

static const pack *find_pack(const tcpl_checker *c, const char *id)
{
    for (size_t i = 0; i < c->packs.len; i++)
        if (!strcmp(TCPL_VEC_AT(&c->packs, pack, i).id, id))
            return &TCPL_VEC_AT(&c->packs, pack, i);
    return NULL;
}

/* A pack file the user names: read whole, bounded (a pack is a few KB). */
#define TCPL_PACK_FILE_MAX (4u << 20)

/* The spelling tables and dictionary, once, when a pack first needs them. */
static int load_spelling(tcpl_checker *c, tcpl_error *err)
{
    if (c->spell)
        return 0;
    const pack *p = &TCPL_VEC_AT(&c->packs, pack, c->packs.len - 1);
    for (size_t i = 0; i < p->nrules; i++)
        if (p->rules[i].type == RT_SPELLING)
            return spell_new(&c->spell, c->ctx, err);
    return 0;
}

int tcpl_checker_add_pack(tcpl_checker *c, const char *name, tcpl_error *err)
{
    if (!c || !name || !*name)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_checker_add_pack");
    size_t n = strlen(name);
    int is_path = strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".yaml"));
    if (is_path) {
        char *data;
        size_t len;
        int rc = tcpl_read_small_file(&data, &len, name, TCPL_PACK_FILE_MAX, err);
        if (rc == TCPL_ERR_LIMIT)
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.pack_invalid", name, NULL,
                          "file over 4 MB; a pack is a few KB");
        if (rc < 0)
            return rc;
        const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
        char id[128];
        snprintf(id, sizeof id, "%.*s", (int)(strlen(base) > 5 ? strlen(base) - 5 : strlen(base)),
                 base);
        rc = rl_pack_load(c, id, data, len, name, err);
        free(data);
        return rc < 0 ? rc : load_spelling(c, err);
    }
    if (find_pack(c, name))
        return 0;
    char file[160];
    snprintf(file, sizeof file, "%s.yaml", name);
    const char *data;
    size_t len;
    int rc = tcpl_ctx_data(&data, &len, c->ctx, file, err);
    if (rc < 0)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.pack_unknown", name, NULL, "%s", name);
    rc = rl_pack_load(c, name, data, len, file, err);
    return rc < 0 ? rc : load_spelling(c, err);
}

int tcpl_checker_add_default_packs(tcpl_checker *c, tcpl_error *err)
{
    tcpl_yaml y;
    int rc = tcpl_yaml_load(&y, c->ctx, PACKS_FILE, err);
    if (rc < 0)
        return rc;
    yaml_node_t *list = tcpl_yaml_get(&y, tcpl_yaml_root(&y), "packs");
    for (size_t i = 0; rc == 0 && i < tcpl_yaml_len(list); i++) {
        const char *name = tcpl_yaml_str(tcpl_yaml_item(&y, list, i));
        if (name)
            rc = tcpl_checker_add_pack(c, name, err);
    }
    tcpl_yaml_free(&y);
    return rc;
}

/* ---- choosing packs ---------------------------------------------------- */

static int applies(cjob *j, const pack *p)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(j->x);
    if (!p->nkinds)
        return 0; /* only by name or include */
    int kind = 0;
    for (size_t k = 0; k < p->nkinds; k++)
        if (!strcmp(p->kinds[k], "*") || !strcmp(p->kinds[k], m->kind))
            kind = 1;
    if (!kind)
        return 0;
    if (!p->has_title)
        return 1;
    int r = tcpl_re_find(&p->title_re, &j->m, m->title, strlen(m->title), 0);
    return r > 0;
}

/* Adds p and what it includes (once each) to the list. */
static int add_with_includes(const tcpl_checker *c, const pack *p, const pack **list, size_t *n,
                             size_t cap, int depth)
{
    for (size_t i = 0; i < *n; i++)
        if (list[i] == p)
            return 0;
    if (*n == cap || depth > 8)
        return 0;
    list[(*n)++] = p;
    for (size_t i = 0; i < p->nincludes; i++) {
        const pack *q = find_pack(c, p->includes[i]);
        if (q)
            add_with_includes(c, q, list, n, cap, depth + 1);
    }
    return 0;
}

static int run_rule(cjob *j, const rule *r)
{
    /* A rule for documents from a date on ("since": after a decision took
     * effect) skips older ones. */
    if (r->since > 0 && j->when >= 0 && j->when < r->since)
        return 0;
    switch (r->type) {
    case RT_SECTION:
        return r_section(j, r);
    case RT_FIELD:
        return r_field(j, r);
    case RT_EXISTS:
    case RT_ABSENT:
        return r_pattern(j, r);
    case RT_CITATION:
        return r_citation(j, r);
    case RT_DATE:
        return r_date(j, r);
    case RT_NUMBERING:
        return r_numbering(j, r);
    case RT_FORMAT:
        return r_format(j, r);
    case RT_COVERAGE:
        return j->against ? r_coverage(j, r) : 0;
    case RT_SPELLING:
        return r_spelling(j, r);
    case RT_TABLE_SUM:
        return r_table_sum(j, r);
    }
    return 0;
}

static int cmp_finding(const void *a, const void *b)
{
    const tcpl_finding *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity < y->severity ? -1 : 1;
    /* stable enough: rule ids order equal positions */
    return strcmp(x->rule, y->rule);
}

/* Extraction diagnostics are findings of their own: the user must know
 * what the checks could not see. */
static const rule diag_rule = {.id = "doc-doc",
                               .severity = TCPL_SEV_CANH_BAO,
                               .category = TCPL_CAT_FORMAT,
                               .message_vi = "{detail}",
                               .message_en = "{detail}",
                               .basis = "",
                               .fix = ""};

int tcpl_check(tcpl_findings **out, const tcpl_checker *c, const tcpl_doc *doc,
               const tcpl_extraction *x, const tcpl_check_options *opts, tcpl_error *err)
{
    *out = NULL;
    if (!c || !doc || !x)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_check");
    tcpl_findings *f = calloc(1, sizeof *f);
    if (!f)
        return TCPL_NOMEM(err, tcpl_doc_path(doc));
    tcpl_arena_init(&f->arena);
    tcpl_vec_init(&f->items, sizeof(tcpl_finding));
    cjob j = {c,   doc, x,
              f,   {0}, !strcmp(tcpl_ctx_lang(c->ctx), "en"),
              err, -1,  opts ? opts->against : NULL,
              -1};
    if (opts && opts->level) {
        j.level = !strcmp(opts->level, "xa")      ? LEVEL_XA
                  : !strcmp(opts->level, "huyen") ? LEVEL_HUYEN
                                                  : -2;
        if (j.level == -2) {
            tcpl_findings_free(f);
            return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL,
                            "tcpl_check: level is \"xa\" or \"huyen\"");
        }
    }
    int rc = 0;
    const pack *list[64];
    size_t n = 0;
    tcpl_buf names;
    tcpl_buf_init(&names);
    /* An undated draft is still later than everything it cites. */
    j.when = rl_days(tcpl_extraction_meta(x)->date.iso, NULL);
    for (size_t i = 0; i < tcpl_extraction_citation_count(x); i++) {
        long d = rl_days(tcpl_extraction_citation(x, i)->date, NULL);
        if (tcpl_extraction_meta(x)->date.iso == NULL && d > j.when)
            j.when = d;
    }
    if (tcpl_match_init(&j.m, 32) < 0) {
        rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
        goto out;
    }
    if (opts && opts->npacks) {
        for (size_t i = 0; i < opts->npacks; i++) {
            const pack *p = find_pack(c, opts->packs[i]);
            if (!p) {
                rc = tcpl_err(err, TCPL_ERR_USAGE, "err.pack_unknown", opts->packs[i], NULL, "%s",
                              opts->packs[i]);
                goto out;
            }
            add_with_includes(c, p, list, &n, 64, 0);
        }
    } else {
        /* The applicable pack of highest priority, with its includes. */
        const pack *best = NULL;
        for (size_t i = 0; i < c->packs.len; i++) {
            const pack *p = &TCPL_VEC_AT(&c->packs, pack, i);
            if (applies(&j, p) && (!best || p->priority > best->priority))
                best = p;
        }
        if (best)
            add_with_includes(c, best, list, &n, 64, 0);
    }
    for (size_t i = 0; i < n; i++) {
        tcpl_buf_printf(&names, "%s%s", i ? ", " : "", list[i]->id);
        for (size_t r = 0; r < list[i]->nrules; r++)
            TCPL_CHECK(run_rule(&j, &list[i]->rules[r]));
    }
    for (size_t i = 0; i < tcpl_extraction_diag_count(x); i++) {
        const tcpl_xdiag *d = tcpl_extraction_diag(x, i);
        char id[64], msgid[64];
        snprintf(id, sizeof id, "doc-%s", d->code);
        snprintf(msgid, sizeof msgid, "diag.%s", d->code);
        tcpl_buf msg;
        tcpl_buf_init(&msg);
        tcpl_msg_subst(&msg, tcpl_msg(c->ctx, msgid), d->detail);
        rule dr = diag_rule;
        dr.id = tcpl_arena_strdup(&f->arena, id);
        kv v[] = {{"detail", msg.data ? msg.data : d->code}};
        rc = dr.id ? rl_add(&j, &dr, d->block, v, 1, NULL) : TCPL_ERR_NOMEM;
        tcpl_buf_free(&msg);
        if (rc < 0) {
            rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
            goto out;
        }
    }
    if (f->items.len > 1)
        qsort(f->items.data, f->items.len, sizeof(tcpl_finding), cmp_finding);
    f->packs = tcpl_arena_strdup(&f->arena, names.data ? names.data : "");
    if (!tcpl_buf_ok(&names) || !f->packs || f->nomem)
        rc = TCPL_NOMEM(err, tcpl_doc_path(doc));
out:
    tcpl_buf_free(&names);
    tcpl_match_free(&j.m);
    if (rc < 0) {
        tcpl_findings_free(f);
        return rc;
    }
    *out = f;
    return 0;
}
