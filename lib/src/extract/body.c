/* Body phase: sections, activity fields, citations and deadlines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/re.h"
#include "extract/citations.h"
#include "extract/extract.h"
#include "extract/timeexpr.h"
#include "extract/units.h"

/* ---- sections, fields, activities ----------------------------------- */

typedef struct acc {
    tcpl_buf val[NFIELDS];
    unsigned present;
    int unlabelled;
    int time_block, lead_block;
    tcpl_vec notes; /* of size_t: line indices of the lines that carry no field */
} acc;

/* ---- section paths: a hash of the paths seen, so that a path printed
 * twice (the source's own numbering slip) gets a suffix ("II.2#2") in
 * linear time. */

typedef struct path_slot {
    const char *path; /* NULL: empty slot */
    int first;        /* the section that printed it first */
    int count;        /* sections that printed it */
} path_slot;

typedef struct path_set {
    path_slot *slots;
    size_t mask;
} path_set;

static int path_set_init(path_set *ps, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    ps->slots = calloc(cap, sizeof *ps->slots);
    ps->mask = cap - 1;
    return ps->slots ? 0 : -1;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot of path: found, or empty for it to be filled. */
static path_slot *path_set_slot(path_set *ps, const char *path)
{
    size_t i = (size_t)hash_str(path) & ps->mask;
    while (ps->slots[i].path && strcmp(ps->slots[i].path, path))
        i = (i + 1) & ps->mask;
    return &ps->slots[i];
}

/* A field label at the start of s: its field bit, and where its value
 * starts.  Strict labels need a colon unless whole_cell. */
static unsigned field_at(job *j, const char *s, size_t len, int whole_cell, size_t *value_start)
{
    if (!xt_find(j, &j->ex->fields_at, s, len))
        return 0;
    int g = 0;
    for (int i = 1; i <= j->ex->nlabels; i++) {
        size_t a, b;
        if (tcpl_match_group(&j->m, i, &a, &b) == 0) {
            g = i;
            break;
        }
    }
    if (!g)
        return 0;
    size_t p = xt_group_end(j, 0);
    /* Spaces, closing emphasis leftovers, then an optional colon. */
    while (p < len && (xt_is_space_byte(s[p]) || s[p] == '*'))
        p++;
    int colon = 0;
    if (p < len && s[p] == ':') {
        colon = 1;
        p++;
    } else if (p + 3 <= len && !memcmp(s + p, "\xEF\xBC\x9A", 3)) { /* full-width colon */
        colon = 1;
        p += 3;
    }
    if (j->ex->labels[g].strict && !colon && !(whole_cell && p >= len))
        return 0;
    if (!colon && p < len && s[p] == '.')
        p++;
    while (p < len && (xt_is_space_byte(s[p]) || s[p] == '*'))
        p++;
    *value_start = p;
    return j->ex->labels[g].field;
}

/* Trims a field value: spaces, then the closing ';' ',' or '.' (an
 * ellipsis "..." stays: it is part of the text). */
static void trim_value(const char **v, size_t *n)
{
    xt_trim(v, n);
    while (*n && ((*v)[*n - 1] == ';' || (*v)[*n - 1] == ',' ||
                  ((*v)[*n - 1] == '.' && !(*n >= 2 && (*v)[*n - 2] == '.')))) {
        (*n)--;
        xt_trim(v, n);
    }
}

static int field_index(unsigned bit)
{
    for (int i = 0; i < NFIELDS; i++)
        if (bit == (1u << i))
            return i;
    return 0;
}

/* Adds a field value; a value may hold more fields ("Cơ quan chủ trì: Sở
 * Nội vụ; thời gian hoàn thành trước ngày 31/12/2018"). */
static void add_field(job *j, acc *a, unsigned field, const char *v, size_t n, int block,
                      int *pending)
{
    for (;;) {
        /* Look for "; <label>" or ". <label>" inside the value. */
        size_t cut = n, next_start = 0;
        unsigned next = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i] != ';' && v[i] != '.')
                continue;
            size_t k = i + 1;
            while (k < n && xt_is_space_byte(v[k]))
                k++;
            size_t vs;
            unsigned f2 = k < n ? field_at(j, v + k, n - k, 0, &vs) : 0;
            if (f2 && f2 != field) {
                cut = i;
                next = f2;
                next_start = k + vs;
                break;
            }
        }
        const char *val = v;
        size_t vl = cut;
        trim_value(&val, &vl);
        int fi = field_index(field);
        a->present |= field;
        if (field == TCPL_FIELD_TIME && a->time_block < 0)
            a->time_block = block;
        if (field == TCPL_FIELD_LEAD && a->lead_block < 0)
            a->lead_block = block;
        xt_join(&a->val[fi], val, vl, "; ");
        *pending = vl == 0 ? fi : -1;
        if (!next)
            return;
        field = next;
        v += next_start;
        n -= next_start;
    }
}

static int section_level(const line *l, int has_roman, int last_structural_level)
{
    switch (l->lab) {
    case LAB_ROMAN:
        return 1;
    case LAB_DECIMAL:
        return (has_roman ? 1 : 0) + l->depth;
    case LAB_LETTER:
    case LAB_ACTIVITY:
        return last_structural_level + 1;
    default:
        return 0;
    }
}

static void strip_label_punct(const char *label, char *out, size_t size)
{
    snprintf(out, size, "%s", label);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '.' || out[n - 1] == ')' || out[n - 1] == ':'))
        out[--n] = 0;
}

/* A heading that is itself a field ("2.1.3. Thời gian khắc phục: ...") or
 * a field group ("a) Trách nhiệm của các bộ phận") is no section: it
 * belongs to the activity above it.  Its field bit (0 for a group), or -1
 * when the line is a real heading. */
static int field_heading(job *j, const line *l, size_t *vs)
{
    unsigned f = field_at(j, l->text, l->len, 0, vs);
    if (f)
        return (int)f;
    if (xt_find(j, &j->ex->subheading, l->text, l->len))
        return 0;
    return -1;
}

int xt_read_body(job *j, size_t from, size_t to)
{
    const tcpl_extractor *ex = j->ex;
    tcpl_extraction *x = j->x;
    int has_roman = 0;
    for (size_t i = from; i < to; i++)
        if (j->lines[i].lab == LAB_ROMAN)
            has_roman = 1;
    /* One accumulator per section; sections are at most one per line. */
    size_t cap = to > from ? to - from : 1;
    x->sections = tcpl_arena_alloc(&x->arena, cap * sizeof *x->sections);
    acc *accs = calloc(cap, sizeof *accs);
    path_set paths = {0};
    tcpl_buf path;
    tcpl_buf_init(&path);
    int rc = 0;
    if (!x->sections || !accs || path_set_init(&paths, cap) < 0) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    for (size_t si = 0; si < cap; si++)
        tcpl_vec_init(&accs[si].notes, sizeof(size_t));
    int stack[64], sp = 0;
    int last_structural = 0;
    int pending = -1; /* field index waiting for its value on the next lines */
    int pending_table = -1, pending_row = -1;
    for (size_t i = from; i < to; i++) {
        line *l = &j->lines[i];
        int level = section_level(l, has_roman, last_structural);
        size_t vs = 0;
        int fh = level > 0 ? field_heading(j, l, &vs) : -1;
        if (fh >= 0) {
            /* A field line or field group numbered like a heading: it ends
             * the sections at its level or deeper, and its field goes to
             * the section above. */
            while (sp > 0 && x->sections[stack[sp - 1]].level >= level)
                sp--;
            pending = -1;
            if (fh > 0 && sp > 0) {
                add_field(j, &accs[stack[sp - 1]], (unsigned)fh, l->text + vs, l->len - vs,
                          l->block, &pending);
                pending_table = pending >= 0 && l->table >= 0 ? l->table : -1;
                pending_row = l->row;
            }
            continue;
        }
        if (level > 0) {
            /* A new section. */
            while (sp > 0 && x->sections[stack[sp - 1]].level >= level)
                sp--;
            int parent = sp > 0 ? stack[sp - 1] : -1;
            int si = (int)x->nsections++;
            tcpl_xsection *s = &x->sections[si];
            memset(s, 0, sizeof *s);
            s->label = xt_dupz(j, l->label);
            s->title = xt_dup(j, l->text, l->len);
            s->level = level;
            s->block = l->block;
            s->parent = parent;
            s->auto_label = l->auto_label;
            s->duplicate_of = -1;
            accs[si].time_block = accs[si].lead_block = -1;
            char lab[40];
            strip_label_punct(l->label, lab, sizeof lab);
            tcpl_buf_reset(&path);
            if (l->lab == LAB_ROMAN || parent < 0) {
                tcpl_buf_puts(&path, lab);
            } else if (l->lab == LAB_DECIMAL) {
                int r = parent;
                while (r >= 0 && x->sections[r].level > 1)
                    r = x->sections[r].parent;
                if (r >= 0 && has_roman)
                    tcpl_buf_printf(&path, "%s.", x->sections[r].path);
                tcpl_buf_puts(&path, lab);
            } else if (l->lab == LAB_ACTIVITY) {
                const char *num = lab + strlen(lab);
                while (num > lab && num[-1] >= '0' && num[-1] <= '9')
                    num--;
                tcpl_buf_printf(&path, "%s.%s%s", x->sections[parent].path, ex->activity_prefix,
                                num);
            } else {
                tcpl_buf_printf(&path, "%s.%s", x->sections[parent].path, lab);
            }
            if (!tcpl_buf_ok(&path)) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
            /* The same path printed twice: the slip is kept (duplicate_of)
             * and the path made unique with a suffix. */
            const char *printed = xt_dup(j, path.data ? path.data : "", path.len);
            path_slot *slot = path_set_slot(&paths, printed);
            if (!slot->path) {
                slot->path = printed;
                slot->first = si;
                slot->count = 1;
                s->path = printed;
            } else {
                s->duplicate_of = slot->first;
                tcpl_buf_printf(&path, "#%d", ++slot->count);
                s->path = xt_dup(j, path.data ? path.data : "", path.len);
            }
            if (l->lab != LAB_LETTER && l->lab != LAB_ACTIVITY)
                last_structural = level;
            if (sp < (int)(sizeof stack / sizeof stack[0]))
                stack[sp++] = si;
            else
                TCPL_CHECK(
                    xt_warn(j, "section_depth", l->block, "%zu", sizeof stack / sizeof stack[0]));
            pending = -1;
            continue;
        }
        if (sp == 0)
            continue; /* text before the first section: basis, preamble */
        int owner = stack[sp - 1];
        acc *a = &accs[owner];
        int whole_cell = l->table >= 0 && l->col == 0;
        unsigned f = field_at(j, l->text, l->len, whole_cell, &vs);
        if (f) {
            add_field(j, a, f, l->text + vs, l->len - vs, l->block, &pending);
            pending_table = pending >= 0 && l->table >= 0 ? l->table : -1;
            pending_row = l->row;
            continue;
        }
        if (xt_find(j, &ex->subheading, l->text, l->len)) {
            pending = -1;
            continue;
        }
        if (pending >= 0 &&
            (pending_table < 0 || (l->table == pending_table && l->row == pending_row))) {
            /* The value of a label printed alone ("Nguyên nhân", a label
             * cell): the following lines. */
            const char *pv = l->text;
            size_t pl = l->len;
            trim_value(&pv, &pl);
            xt_join(&a->val[pending], pv, pl, "; ");
            continue;
        }
        pending = -1;
        if (l->lab == LAB_BULLET || l->table >= 0)
            a->unlabelled++;
        /* A line with no field label: kept as a note of the activity. */
        size_t *note = tcpl_vec_push(&a->notes);
        if (!note) {
            rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
            goto out;
        }
        *note = i;
    }
    /* Activities: sections with fields. */
    int remediation =
        x->meta.title && xt_find(j, &ex->remediation_title, x->meta.title, strlen(x->meta.title));
    for (size_t si = 0; si < x->nsections; si++)
        if (accs[si].present & (TCPL_FIELD_CAUSE | TCPL_FIELD_SOLUTION))
            remediation = 1;
    size_t nact = 0;
    for (size_t si = 0; si < x->nsections; si++)
        if (accs[si].present)
            nact++;
    x->activities = tcpl_arena_alloc(&x->arena, (nact ? nact : 1) * sizeof *x->activities);
    if (!x->activities) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    unsigned required = remediation ? ex->required_remediation : ex->required_plan;
    for (size_t si = 0; si < x->nsections; si++) {
        acc *a = &accs[si];
        if (!a->present)
            continue;
        tcpl_xactivity *act = &x->activities[x->nactivities++];
        memset(act, 0, sizeof *act);
        const tcpl_xsection *s = &x->sections[si];
        act->path = s->path;
        act->title = s->title;
        act->block = s->block;
        act->section = (int)si;
        act->present = a->present;
        act->unlabelled = a->unlabelled;
        act->time_block = a->time_block;
        act->lead_block = a->lead_block;
        act->time.block = a->time_block;
        act->duplicate_of = s->duplicate_of;
        act->notes = NULL;
        act->nnotes = 0;
        if (a->notes.len) {
            const char **notes = tcpl_arena_alloc(&x->arena, a->notes.len * sizeof *notes);
            if (!notes) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
            for (size_t k = 0; k < a->notes.len; k++) {
                const line *nl = &j->lines[TCPL_VEC_AT(&a->notes, size_t, k)];
                const char *t = nl->lab == LAB_BULLET ? nl->text : nl->full;
                size_t tn = nl->lab == LAB_BULLET ? nl->len : nl->full_len;
                xt_trim(&t, &tn);
                notes[k] = xt_dup(j, t, tn);
            }
            act->notes = notes;
            act->nnotes = a->notes.len;
        }
        const char *v[NFIELDS];
        for (int f = 0; f < NFIELDS; f++)
            v[f] = xt_dup(j, a->val[f].data, a->val[f].len);
        act->product = v[3];
        act->cause = v[4];
        act->solution = v[5];
        for (int f = 0; f < NFIELDS; f++)
            if ((required & (1u << f)) && !*v[f])
                act->missing |= 1u << f;
        /* Units. */
        for (int which = 0; which < 2; which++) {
            const char *val = v[which];
            size_t n = 0;
            tcpl_unit units[TCPL_MAX_UNITS];
            if (strlen(val) > TCPL_UNITS_FIELD_MAX) {
                /* not split at all: say so, not "only the first 64 kept" (the
                 * split's TCPL_ERR_LIMIT means either) */
                TCPL_CHECK(xt_warn(j, "units_field_long", which == 0 ? a->lead_block : s->block,
                                   "%d", TCPL_UNITS_FIELD_MAX));
            } else if (*val) {
                int r = tcpl_units_split(ex->units, val, strlen(val), units, TCPL_MAX_UNITS, &n);
                if (r == TCPL_ERR_NOMEM) {
                    rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                    goto out;
                }
                if (r < 0 && r != TCPL_ERR_LIMIT) {
                    rc = tcpl_err(j->err, r, "err.internal", tcpl_doc_path(j->doc), NULL,
                                  "units: %d", r);
                    goto out;
                }
                if (r == TCPL_ERR_LIMIT || n > TCPL_MAX_UNITS) {
                    n = n > TCPL_MAX_UNITS ? TCPL_MAX_UNITS : n;
                    TCPL_CHECK(xt_warn(j, "units_cut", which == 0 ? a->lead_block : s->block, "%d",
                                       TCPL_MAX_UNITS));
                }
            }
            tcpl_xunit *xu = tcpl_arena_alloc(&x->arena, (n ? n : 1) * sizeof *xu);
            if (!xu) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
            for (size_t k = 0; k < n; k++) {
                if (units[k].truncated)
                    TCPL_CHECK(xt_warn(j, "unit_name_cut", which == 0 ? a->lead_block : s->block,
                                       "%d", TCPL_UNIT_NAME_MAX));
                xu[k].printed = xt_dup(j, val + units[k].start, units[k].end - units[k].start);
                xu[k].canonical = xt_dupz(j, tcpl_unit_canonical(&units[k]));
                xu[k].note =
                    xt_dup(j, val + units[k].note_start, units[k].note_end - units[k].note_start);
            }
            if (which == 0) {
                act->lead = xu;
                act->nlead = n;
            } else {
                act->support = xu;
                act->nsupport = n;
            }
        }
        /* Time. */
        act->time.text = v[2];
        act->time.kind = TCPL_TIME_UNKNOWN;
        if (*v[2]) {
            tcpl_time t;
            if (xt_re_status(j, tcpl_time_parse(ex->tp, v[2], strlen(v[2]), &t), v[2]) > 0) {
                act->time.kind = t.kind;
                act->time.start = t.start[0] ? xt_dupz(j, t.start) : NULL;
                act->time.end = t.end[0] ? xt_dupz(j, t.end) : NULL;
                act->time.recurring = t.recurring;
                act->time.invalid = t.invalid;
            }
        }
    }
out:
    if (accs)
        for (size_t si = 0; si < cap; si++) {
            for (int f = 0; f < NFIELDS; f++)
                tcpl_buf_free(&accs[si].val[f]);
            tcpl_vec_free(&accs[si].notes);
        }
    free(accs);
    free(paths.slots);
    tcpl_buf_free(&path);
    return rc;
}

/* ---- citations and deadlines ---------------------------------------- */

int xt_read_citations(job *j, size_t from)
{
    tcpl_extraction *x = j->x;
    tcpl_citeset set;
    int rc = 0, cut_distinct = 0;
    tcpl_citation found[TCPL_MAX_CITES_PER_LINE];
    /* Mentions are merged as they are found: memory stays bounded by the
     * distinct documents (TCPL_CITATIONS_MERGE_MAX), whatever the number of
     * mentions. */
    tcpl_citeset_init(&set, TCPL_CITATIONS_MERGE_MAX);
    for (size_t i = from; i < j->n; i++) {
        line *l = &j->lines[i];
        size_t cnt = 0;
        int r = tcpl_citations_find(j->ex->citer, l->full, l->full_len, found,
                                    TCPL_MAX_CITES_PER_LINE, &cnt);
        /* A pattern limit: say so and keep what was found before it; out
         * of memory ends the extraction.  More mentions than kept: a cut. */
        if (r < 0)
            TCPL_CHECK(xt_re_status(j, r, l->full));
        if (cnt > TCPL_MAX_CITES_PER_LINE) {
            cnt = TCPL_MAX_CITES_PER_LINE;
            TCPL_CHECK(xt_warn(j, "citations_cut", l->block, "%d", TCPL_MAX_CITES_PER_LINE));
        }
        for (size_t k = 0; k < cnt; k++) {
            found[k].block = l->block;
            found[k].first_block = l->block;
            x->work.mentions++;
            int a = tcpl_citeset_add(&set, &found[k]);
            if (a == TCPL_ERR_LIMIT && !cut_distinct++)
                TCPL_CHECK(
                    xt_warn(j, "citations_distinct_cut", l->block, "%d", TCPL_CITATIONS_MERGE_MAX));
            if (a == TCPL_ERR_NOMEM) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
        }
    }
    size_t m = tcpl_citeset_count(&set);
    x->work.citations_kept = m;
    x->work.merge_probes = set.probes;
    x->citations = tcpl_arena_alloc(&x->arena, (m ? m : 1) * sizeof *x->citations);
    if (!x->citations) {
        rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
        goto out;
    }
    for (size_t k = 0; k < m; k++) {
        const tcpl_citation *c = tcpl_citeset_get(&set, k);
        tcpl_xcitation *o = &x->citations[x->ncitations++];
        memset(o, 0, sizeof *o);
        o->kind = xt_dupz(j, c->kind);
        o->number = xt_dupz(j, c->number);
        o->date = c->date[0] ? xt_dupz(j, c->date) : NULL;
        o->date_invalid = c->date_invalid;
        o->date_conflict = c->date_conflict;
        o->issuer = xt_dup(j, c->issuer_end > c->issuer_start ? c->src + c->issuer_start : "",
                           c->issuer_end > c->issuer_start ? c->issuer_end - c->issuer_start : 0);
        o->text = xt_dup(j, c->src + c->start, c->end - c->start);
        o->block = c->first_block;
        o->mentions = (int)c->mentions;
    }
out:
    tcpl_citeset_free(&set);
    return rc;
}

int xt_read_deadlines(job *j, size_t from, size_t to)
{
    tcpl_extraction *x = j->x;
    tcpl_vec v = TCPL_VEC_INIT(tcpl_xdeadline);
    tcpl_deadline d[TCPL_MAX_DEADLINES_PER_LINE];
    int rc = 0;
    for (size_t i = from; i < to; i++) {
        line *l = &j->lines[i];
        size_t cnt = 0;
        int r = tcpl_deadlines_find(j->ex->tp, l->full, l->full_len, d, TCPL_MAX_DEADLINES_PER_LINE,
                                    &cnt);
        /* A pattern limit: say so and keep the deadlines found before it;
         * out of memory ends the extraction. */
        if (r < 0)
            TCPL_CHECK(xt_re_status(j, r, l->full));
        if (cnt > TCPL_MAX_DEADLINES_PER_LINE) {
            cnt = TCPL_MAX_DEADLINES_PER_LINE;
            TCPL_CHECK(xt_warn(j, "deadlines_cut", l->block, "%d", TCPL_MAX_DEADLINES_PER_LINE));
        }
        for (size_t k = 0; k < cnt; k++) {
            tcpl_xdeadline *o = tcpl_vec_push(&v);
            if (!o) {
                rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
                goto out;
            }
            o->text = xt_dup(j, l->full + d[k].start, d[k].end - d[k].start);
            o->date = d[k].date[0] ? xt_dupz(j, d[k].date) : NULL;
            o->invalid = d[k].invalid;
            o->block = l->block;
        }
    }
    if (v.len) {
        x->deadlines = tcpl_arena_alloc(&x->arena, v.len * sizeof *x->deadlines);
        if (!x->deadlines) {
            rc = TCPL_NOMEM(j->err, tcpl_doc_path(j->doc));
            goto out;
        }
        memcpy(x->deadlines, v.data, v.len * sizeof *x->deadlines);
        x->ndeadlines = v.len;
    }
out:
    tcpl_vec_free(&v);
    return rc;
}
