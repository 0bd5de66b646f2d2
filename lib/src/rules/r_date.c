/* date rules: the document date, impossible dates, deadlines against the
 * document date, cited documents dated after the document, vague times. */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

static const char *const checks[] = {"document_date",        "invalid", "deadline_before_document",
                                     "cited_after_document", "vague",   "window"};

int r_date_known(const char *check)
{
    return rl_known(checks, sizeof checks / sizeof checks[0], check);
}

static int listed(const rule *r, const char *s)
{
    for (size_t i = 0; i < r->nlist; i++)
        if (!strcmp(r->list[i], s))
            return 1;
    return 0;
}

int r_date(cjob *j, const rule *r)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(j->x);
    const tcpl_xdate *dd = &m->date;
    long doc_last = 0;
    long doc_first = rl_days(dd->iso, &doc_last);
    int rc = 0;
    if (!strcmp(r->check, "document_date")) {
        /* {found}: the date as printed, in quotes, or a phrase saying
         * there is none (never a quoted "(none)") */
        if (dd->block < 0) {
            kv v[] = {{"found", tcpl_msg(j->c->ctx, "out.no_date")}};
            return rl_add(j, r, -1, v, 1, NULL);
        }
        if (!dd->complete || dd->invalid) {
            char q[300];
            snprintf(q, sizeof q, "\"%s\"", dd->text);
            kv v[] = {{"found", q}};
            return rl_add(j, r, dd->block, v, 1, NULL);
        }
        return 0;
    }
    size_t na = tcpl_extraction_activity_count(j->x);
    size_t nd = tcpl_extraction_deadline_count(j->x);
    if (!strcmp(r->check, "invalid")) {
        for (size_t i = 0; rc >= 0 && i < na; i++) {
            const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
            if (a->time.invalid) {
                kv v[] = {{"found", a->time.text}, {"path", a->path}};
                rc = rl_add(j, r, a->time_block >= 0 ? a->time_block : a->block, v, 2, NULL);
            }
        }
        for (size_t i = 0; rc >= 0 && i < nd; i++) {
            const tcpl_xdeadline *d = tcpl_extraction_deadline(j->x, i);
            /* the same printed date as an activity's time was reported there */
            int dup = 0;
            for (size_t k = 0; k < na && !dup; k++) {
                const tcpl_xactivity *a = tcpl_extraction_activity(j->x, k);
                dup = a->time.invalid && a->time_block == d->block;
            }
            if (d->invalid && !dup) {
                kv v[] = {{"found", d->text}, {"path", ""}};
                rc = rl_add(j, r, d->block, v, 2, NULL);
            }
        }
        for (size_t i = 0; rc >= 0 && i < tcpl_extraction_citation_count(j->x); i++) {
            const tcpl_xcitation *c = tcpl_extraction_citation(j->x, i);
            if (c->date_invalid) {
                kv v[] = {{"found", c->text}, {"path", ""}};
                rc = rl_add(j, r, c->block, v, 2, NULL);
            }
        }
        return rc;
    }
    if (!strcmp(r->check, "deadline_before_document")) {
        if (!dd->complete || doc_first < 0)
            return 0;
        for (size_t i = 0; rc >= 0 && i < nd; i++) {
            const tcpl_xdeadline *d = tcpl_extraction_deadline(j->x, i);
            long t = rl_days(d->date, NULL);
            if (t >= 0 && t < doc_first) {
                kv v[] = {{"found", d->text}, {"date", dd->text}};
                rc = rl_add(j, r, d->block, v, 2, NULL);
            }
        }
        for (size_t i = 0; rc >= 0 && i < na; i++) {
            const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
            long last = -1;
            if (rl_days(a->time.end ? a->time.end : a->time.start, &last) >= 0 &&
                last < doc_first) {
                kv v[] = {{"found", a->time.text}, {"date", dd->text}};
                rc = rl_add(j, r, a->time_block >= 0 ? a->time_block : a->block, v, 2, NULL);
            }
        }
        return rc;
    }
    if (!strcmp(r->check, "cited_after_document")) {
        if (doc_first < 0)
            return 0;
        for (size_t i = 0; rc >= 0 && i < tcpl_extraction_citation_count(j->x); i++) {
            const tcpl_xcitation *c = tcpl_extraction_citation(j->x, i);
            long t = rl_days(c->date, NULL);
            if (t >= 0 && t > doc_last) {
                kv v[] = {{"found", c->text}, {"number", c->number}, {"date", dd->text}};
                rc = rl_add(j, r, c->block, v, 3, NULL);
            }
        }
        return rc;
    }
    if (!strcmp(r->check, "vague")) {
        for (size_t i = 0; rc >= 0 && i < na; i++) {
            const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
            if (a->time.text[0] && listed(r, tcpl_time_kind_name(a->time.kind))) {
                kv v[] = {{"found", a->time.text}, {"path", a->path}};
                rc = rl_add(j, r, a->time_block >= 0 ? a->time_block : a->block, v, 2, NULL);
            }
        }
        return rc;
    }
    if (!strcmp(r->check, "window")) {
        if (doc_first < 0)
            return 0;
        int year = 0;
        sscanf(dd->iso, "%d", &year);
        char lim[16];
        snprintf(lim, sizeof lim, "%d", year + r->years_after);
        long end_limit = 0;
        rl_days(lim, &end_limit);
        for (size_t i = 0; rc >= 0 && i < na; i++) {
            const tcpl_xactivity *a = tcpl_extraction_activity(j->x, i);
            long last = -1;
            if (a->time.recurring || !a->time.end)
                continue;
            if (rl_days(a->time.end, &last) >= 0 && last > end_limit) {
                kv v[] = {{"found", a->time.text}, {"path", a->path}, {"expected", lim}};
                rc = rl_add(j, r, a->time_block >= 0 ? a->time_block : a->block, v, 3, NULL);
            }
        }
        return rc;
    }
    return 0;
}
