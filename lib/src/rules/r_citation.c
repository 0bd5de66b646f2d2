/* citation rules: cited documents against the registry. */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

static const char *const checks[] = {"wrong_date", "replaced", "unknown", "required"};

int r_citation_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

/* "2021-07-22" -> "22/07/2021" (NĐ 30 style with leading zeros). */
static void vn_date(const char *iso, char *out, size_t size)
{
    int y = 0, m = 0, d = 0;
    if (iso && sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(out, size, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(out, size, "%s", iso ? iso : "");
}

/* The symbol's issuer: the part after the last '-' ("QĐ-TTg" -> "TTg"). */
static const char *issuer_of(const char *number)
{
    const char *d = strrchr(number, '-');
    return d ? d + 1 : "";
}

int r_citation(cjob *j, const rule *r)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(j->x);
    long doc_first = rl_days(m->date.iso, NULL);
    size_t nc = tcpl_extraction_citation_count(j->x);
    tcpl_arena *a = &j->f->arena;
    if (!strcmp(r->check, "required")) {
        for (size_t q = 0; q < r->nlist; q++) {
            const char *want = rl_norm_number(a, r->list[q]);
            int found = 0;
            for (size_t i = 0; want && i < nc && !found; i++) {
                const char *n = rl_norm_number(a, tcpl_extraction_citation(j->x, i)->number);
                found = n && !strcmp(n, want);
            }
            if (!want)
                return TCPL_ERR_NOMEM;
            if (!found) {
                kv v[] = {{"number", r->list[q]}};
                int rc = rl_add(j, r, -1, v, 1, NULL);
                if (rc < 0)
                    return rc;
            }
        }
        return 0;
    }
    for (size_t i = 0; i < nc; i++) {
        const tcpl_xcitation *c = tcpl_extraction_citation(j->x, i);
        if (!c->number[0])
            continue;
        const char *norm = rl_norm_number(a, c->number);
        if (!norm)
            return TCPL_ERR_NOMEM;
        const reg_doc *d = rl_registry_find(j->c, norm);
        int rc = 0;
        char found[32], expected[32];
        if (!strcmp(r->check, "wrong_date")) {
            if (d && c->date && strcmp(c->date, d->date)) {
                vn_date(c->date, found, sizeof found);
                vn_date(d->date, expected, sizeof expected);
                char fix[96];
                snprintf(fix, sizeof fix, "%s %s ngày %s", d->kind, d->number, expected);
                kv v[] = {{"number", c->number},
                          {"found", found},
                          {"expected", expected},
                          {"kind", d->kind}};
                rc = rl_add(j, r, c->block, v, 4, NULL);
            }
        } else if (!strcmp(r->check, "replaced")) {
            if (d && d->replaced_by && doc_first >= 0) {
                const reg_doc *by = rl_registry_find(j->c, rl_norm_number(a, d->replaced_by));
                const char *from = by ? (by->effective ? by->effective : by->date) : NULL;
                long since = rl_days(from, NULL);
                if (since >= 0 && doc_first >= since) {
                    vn_date(from, expected, sizeof expected);
                    kv v[] = {{"number", c->number},
                              {"replaced_by", d->replaced_by},
                              {"since", expected},
                              {"kind", d->kind}};
                    rc = rl_add(j, r, c->block, v, 4, NULL);
                }
            }
        } else if (!strcmp(r->check, "unknown")) {
            const char *iss = issuer_of(c->number);
            int watched = 0;
            for (size_t k = 0; k < r->nlist && !watched; k++)
                watched = !strcmp(r->list[k], iss);
            if (!d && watched) {
                kv v[] = {{"number", c->number}, {"kind", c->kind}};
                rc = rl_add(j, r, c->block, v, 2, NULL);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}
