/* field rules: every activity (under a matching section) has the listed
 * fields (docs/rules.md). */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

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
