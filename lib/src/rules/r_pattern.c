/* exists / absent rules: a PCRE2 pattern must / must not match in a scope
 * (document, header, basis, a named section, activities, recipients, table
 * cells; docs/rules.md). */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

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
        if (r->prefilter == PF_REPEATED_WORD && !rl_pf_repeated_word(bl->text, bl->text_len))
            continue; /* cannot match here (prefilter.c) */
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
            if (r->prefilter == PF_REPEATED_WORD && !rl_pf_repeated_word(s, strlen(s)))
                continue;
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
