/* section rules: required sections by title pattern, at a level, in
 * order (docs/rules.md). */
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
