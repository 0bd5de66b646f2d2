/* Rule types on the document's structure: section (required sections, in
 * order), field (activity fields), exists / absent (a pattern in a scope). */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

int r_section(cjob *j, const rule *r)
{
    size_t ns = tcpl_extraction_section_count(j->x);
    int last_pos = -1;
    const char *last_name = "";
    for (size_t q = 0; q < r->nsections; q++) {
        const section_req *req = &r->sections[q];
        int found = -1;
        for (size_t i = 0; i < ns && found < 0; i++) {
            const tcpl_xsection *s = tcpl_extraction_section(j->x, i);
            if (req->level && s->level != req->level)
                continue;
            int hit = rl_find(j, r, &req->title, s->title, strlen(s->title), s->block);
            if (hit < 0)
                return hit;
            if (hit)
                found = (int)i;
        }
        if (found < 0) {
            kv v[] = {{"name", req->name}};
            int rc = rl_add(j, r, -1, v, 1, NULL);
            if (rc < 0)
                return rc;
            continue;
        }
        if (r->in_order && found < last_pos) {
            const tcpl_xsection *s = tcpl_extraction_section(j->x, (size_t)found);
            kv v[] = {{"name", req->name}, {"after", last_name}, {"label", s->label}};
            int rc = rl_add(j, r, s->block, v, 3, NULL);
            if (rc < 0)
                return rc;
        }
        if (found > last_pos) {
            last_pos = found;
            last_name = req->name;
        }
    }
    return 0;
}

/* Is section i (or one of its ancestors) titled as `under` says? */
static int under(cjob *j, const rule *r, int i)
{
    for (int depth = 0; i >= 0 && depth < 64; depth++) {
        const tcpl_xsection *s = tcpl_extraction_section(j->x, (size_t)i);
        int hit = rl_find(j, r, &r->under, s->title, strlen(s->title), s->block);
        if (hit != 0)
            return hit;
        i = s->parent;
    }
    return 0;
}

static int has_field(const tcpl_xactivity *a, unsigned bit)
{
    switch (bit) {
    case TCPL_FIELD_LEAD:
        return a->nlead > 0;
    case TCPL_FIELD_SUPPORT:
        return a->nsupport > 0;
    case TCPL_FIELD_TIME:
        return a->time.text[0] != 0;
    case TCPL_FIELD_PRODUCT:
        return a->product[0] != 0;
    case TCPL_FIELD_CAUSE:
        return a->cause[0] != 0;
    case TCPL_FIELD_SOLUTION:
        return a->solution[0] != 0;
    }
    return 1;
}

int r_field(cjob *j, const rule *r)
{
    for (size_t i = 0; i < tcpl_extraction_activity_count(j->x); i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
        if (r->has_under) {
            int u = under(j, r, a->section);
            if (u < 0)
                return u;
            if (!u)
                continue;
        }
        for (unsigned bit = 1; bit <= TCPL_FIELD_SOLUTION; bit <<= 1) {
            if (!(r->fields & bit) || has_field(a, bit))
                continue;
            char id[32];
            snprintf(id, sizeof id, "field.%s", tcpl_field_name(bit));
            char title[96];
            rl_short(a->title, title, sizeof title);
            kv v[] = {{"field", tcpl_msg(j->c->ctx, id)}, {"path", a->path}, {"title", title}};
            int rc = rl_add(j, r, a->block, v, 3, NULL);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* ---- exists / absent -------------------------------------------------- */

typedef struct span {
    int from, to; /* block range [from, to) */
} span;

static int first_section_block(cjob *j)
{
    size_t ns = tcpl_extraction_section_count(j->x);
    return ns ? tcpl_extraction_section(j->x, 0)->block : (int)tcpl_doc_block_count(j->doc);
}

/* The end of section i: the next section at its level or above. */
static int section_end(cjob *j, size_t i)
{
    const tcpl_xsection *s = tcpl_extraction_section(j->x, i);
    for (size_t k = i + 1; k < tcpl_extraction_section_count(j->x); k++) {
        const tcpl_xsection *t = tcpl_extraction_section(j->x, k);
        if (t->level <= s->level)
            return t->block;
    }
    size_t nr = tcpl_extraction_recipient_count(j->x);
    (void)nr;
    return (int)tcpl_doc_block_count(j->doc);
}

/* Matches r over body paragraphs in [from, to); counts hits; absent rules
 * report each hit (up to r->max). */
static int scan(cjob *j, const rule *r, int from, int to, int *hits)
{
    size_t nb = tcpl_doc_block_count(j->doc);
    for (int b = from < 0 ? 0 : from; b < to && (size_t)b < nb; b++) {
        const tcpl_block *bl = tcpl_doc_block(j->doc, (size_t)b);
        if (bl->part != TCPL_PART_BODY || bl->kind != TCPL_BLOCK_PARAGRAPH || !bl->text_len)
            continue;
        if (r->scope == SC_CELLS && bl->table < 0)
            continue;
        int hit = rl_find(j, r, &r->pattern, bl->text, bl->text_len, b);
        if (hit < 0)
            return hit;
        if (!hit)
            continue;
        (*hits)++;
        if (r->type == RT_EXISTS)
            return 1; /* one is enough */
        if (*hits > r->max)
            continue;
        size_t s, e;
        tcpl_match_group(&j->m, 0, &s, &e);
        char found[200];
        snprintf(found, sizeof found, "%.*s", (int)(e - s < 190 ? e - s : 190), bl->text + s);
        kv v[] = {{"found", found}};
        int rc = rl_add(j, r, b, v, 1, NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int r_pattern(cjob *j, const rule *r)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(j->x);
    int nb = (int)tcpl_doc_block_count(j->doc);
    int hits = 0, rc = 0, where = -1;
    switch (r->scope) {
    case SC_DOCUMENT:
    case SC_CELLS:
        rc = scan(j, r, 0, nb, &hits);
        break;
    case SC_HEADER:
        rc = scan(j, r, 0, m->kind_block >= 0 ? m->kind_block : first_section_block(j), &hits);
        break;
    case SC_BASIS: {
        int from = m->title_block >= 0 ? m->title_block + 1 : m->kind_block + 1;
        rc = scan(j, r, from, first_section_block(j), &hits);
        where = from;
        break;
    }
    case SC_SECTION:
        for (size_t i = 0; rc >= 0 && i < tcpl_extraction_section_count(j->x); i++) {
            const tcpl_xsection *s = tcpl_extraction_section(j->x, i);
            int t = rl_find(j, r, &r->section, s->title, strlen(s->title), s->block);
            if (t < 0)
                return t;
            if (t) {
                if (where < 0)
                    where = s->block;
                rc = scan(j, r, s->block, section_end(j, i), &hits);
            }
        }
        if (where < 0)
            return 0; /* no such section: the section rule reports that */
        break;
    case SC_ACTIVITIES:
        for (size_t i = 0; rc >= 0 && i < tcpl_extraction_activity_count(j->x); i++) {
            const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
            rc = scan(j, r, a->block, section_end(j, (size_t)a->section), &hits);
        }
        break;
    case SC_RECIPIENTS:
        for (size_t i = 0; i < tcpl_extraction_recipient_count(j->x); i++) {
            const char *s = tcpl_extraction_recipient(j->x, i);
            int t = rl_find(j, r, &r->pattern, s, strlen(s), -1);
            if (t < 0)
                return t;
            if (t && r->type == RT_EXISTS) {
                hits++;
                break;
            }
            if (t && ++hits <= r->max) {
                kv v[] = {{"found", s}};
                if ((rc = rl_add(j, r, -1, v, 1, NULL)) < 0)
                    return rc;
            }
        }
        break;
    }
    if (rc < 0)
        return rc;
    if (r->type == RT_EXISTS && !hits)
        return rl_add(j, r, where, NULL, 0, NULL);
    return 0;
}
