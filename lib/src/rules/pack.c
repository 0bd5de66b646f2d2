/* Rule packs: YAML (docs/rules.md) -> pack and rule structs, validated as
 * they load: an unknown key, type, severity, category or sub-check, or a
 * pattern that does not compile, is TCPL_ERR_DATA with file, line and
 * column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/data.h"
#include "base/error.h"
#include "rules/rules.h"

/* Rules per pack and sections per rule: a department's pack is a few
 * dozen rules; these bound what a broken or hostile pack can ask for. */
#define TCPL_PACK_MAX_RULES 500
#define TCPL_PACK_MAX_LIST 200

static const char *const type_names[] = {"section",  "field",    "exists",    "absent",
                                         "citation", "date",     "numbering", "format",
                                         "coverage", "spelling", "table-sum"};
enum { NTYPES = sizeof type_names / sizeof type_names[0] };
static const char *const sev_names[] = {"loi", "canh-bao", "goi-y"};
static const char *const cat_names[] = {"number",   "date",     "numbering", "field",    "citation",
                                        "header",   "section",  "format",    "spelling", "evidence",
                                        "deadline", "coverage", "arithmetic"};
static const char *const scope_names[] = {"document",   "header",     "basis", "section",
                                          "activities", "recipients", "cells"};

const char *tcpl_severity_name(tcpl_severity s)
{
    return (unsigned)s < 3 ? sev_names[s] : "";
}

const char *tcpl_category_name(tcpl_category c)
{
    return (unsigned)c < TCPL_CAT_COUNT ? cat_names[c] : "";
}

typedef struct loader {
    tcpl_checker *c;
    tcpl_yaml y;
    const char *file;
    tcpl_error *err;
} loader;

static int bad(loader *l, yaml_node_t *n, const char *fmt, const char *a, const char *b)
{
    char where[64];
    snprintf(where, sizeof where, "%d:%d", n ? (int)n->start_mark.line + 1 : 0,
             n ? (int)n->start_mark.column + 1 : 0);
    return tcpl_err(l->err, TCPL_ERR_DATA, "err.pack_invalid", l->file, where, fmt, a ? a : "",
                    b ? b : "");
}

int rl_known(const char *const *names, size_t n, const char *check)
{
    for (size_t i = 0; check && i < n; i++)
        if (!strcmp(names[i], check))
            return 1;
    return 0;
}

static int pick(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(names[i], s))
            return (int)i;
    return -1;
}

static const char *str(loader *l, yaml_node_t *n)
{
    const char *s = tcpl_yaml_str(n);
    return s ? tcpl_arena_strdup(&l->c->arena, s) : NULL;
}

static int compile_at(loader *l, tcpl_re *re, yaml_node_t *n, int jit)
{
    const char *p = tcpl_yaml_str(n);
    if (!p)
        return bad(l, n, "a pattern must be a string%s%s", NULL, NULL);
    int rc = jit ? tcpl_re_compile(re, p, 0, l->file, tcpl_yaml_line(n), l->err)
                 : tcpl_re_compile_nojit(re, p, 0, l->file, tcpl_yaml_line(n), l->err);
    if (rc < 0 && l->err)
        snprintf(l->err->where, sizeof l->err->where, "%d:%d", (int)n->start_mark.line + 1,
                 (int)n->start_mark.column + 1);
    return rc;
}

/* A list of strings (or one string) into the arena. */
static int str_list(loader *l, yaml_node_t *n, const char ***out, size_t *count)
{
    size_t k = n && n->type == YAML_SCALAR_NODE ? 1 : tcpl_yaml_len(n);
    if (n && n->type != YAML_SCALAR_NODE && n->type != YAML_SEQUENCE_NODE)
        return bad(l, n, "expected a list of strings%s%s", NULL, NULL);
    if (k > TCPL_PACK_MAX_LIST)
        return bad(l, n, "list too long (over 200 items)%s%s", NULL, NULL);
    const char **v = tcpl_arena_alloc(&l->c->arena, (k ? k : 1) * sizeof *v);
    if (!v)
        return TCPL_NOMEM(l->err, l->file);
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = n->type == YAML_SCALAR_NODE ? n : tcpl_yaml_item(&l->y, n, i);
        if (!(v[i] = str(l, it)))
            return bad(l, it, "expected a string%s%s", NULL, NULL);
    }
    *out = v;
    *count = k;
    return 0;
}

static int field_bits(loader *l, yaml_node_t *n, unsigned *out)
{
    const char **v;
    size_t k;
    int rc = str_list(l, n, &v, &k);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < k; i++) {
        unsigned bit = 0;
        for (unsigned b = 1; b <= TCPL_FIELD_SOLUTION; b <<= 1)
            if (!strcmp(tcpl_field_name(b), v[i]) ||
                (!strcmp(v[i], "fix") && b == TCPL_FIELD_SOLUTION))
                bit = b;
        if (!bit)
            return bad(l, n, "unknown field '%s'%s (lead, support, time, product, cause, fix)",
                       v[i], NULL);
        *out |= bit;
    }
    return 0;
}

static int range(loader *l, yaml_node_t *n, int out[2])
{
    if (tcpl_yaml_len(n) != 2)
        return bad(l, n, "a range is [low, high]%s%s", NULL, NULL);
    for (size_t i = 0; i < 2; i++) {
        const char *s = tcpl_yaml_str(tcpl_yaml_item(&l->y, n, i));
        char *e;
        long v = s ? strtol(s, &e, 10) : 0;
        if (!s || *e || v < 0 || v > 10000)
            return bad(l, n, "a range holds two whole numbers%s%s", NULL, NULL);
        out[i] = (int)v;
    }
    return 0;
}

/* table-sum: the label of a total row, and the columns that hold no
 * amounts (numbers, rates, averages) when the pack names none. */
#define DEFAULT_TOTAL "(?i)^\\s*tổng(?:\\s+(?:cộng|số|điểm)\\b|\\s*(?:[:(]|$))"
#define DEFAULT_SKIP                                                                               \
    "(?i)\\bstt\\b|số\\s+tt|thứ\\s+tự|tỷ\\s+lệ|tỉ\\s+lệ|%|bình\\s+quân|trung\\s+bình|mã\\s+số"

/* An amount: a whole or decimal number, "80" or "80,5", in thousandths. */
static int amount(loader *l, yaml_node_t *n, int64_t *out)
{
    const char *s = tcpl_yaml_str(n);
    char *e;
    double v = s ? strtod(s, &e) : -1;
    if (!s || e == s || *e || v < 0 || v > 1e12)
        return bad(l, n, "min '%s'%s: a number (80, 80.5)", s, NULL);
    *out = (int64_t)(v * 1000 + 0.5);
    return 0;
}

static int sections(loader *l, rule *r, yaml_node_t *n)
{
    size_t k = tcpl_yaml_len(n);
    if (!k || k > TCPL_PACK_MAX_LIST)
        return bad(l, n, "sections: a list of {name, title, level}%s%s", NULL, NULL);
    r->sections = tcpl_arena_alloc(&l->c->arena, k * sizeof *r->sections);
    if (!r->sections)
        return TCPL_NOMEM(l->err, l->file);
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = tcpl_yaml_item(&l->y, n, i);
        section_req *s = &r->sections[r->nsections];
        for (size_t p = 0; p < tcpl_yaml_map_len(it); p++) {
            yaml_node_t *kn = tcpl_yaml_map_key(&l->y, it, p),
                        *vn = tcpl_yaml_map_value(&l->y, it, p);
            const char *key = tcpl_yaml_str(kn);
            if (key && !strcmp(key, "name"))
                s->name = str(l, vn);
            else if (key && !strcmp(key, "title")) {
                int rc = compile_at(l, &s->title, vn, 0);
                if (rc < 0)
                    return rc;
                r->nsections++; /* owns a compiled pattern from here on */
            } else if (key && !strcmp(key, "level"))
                s->level = atoi(tcpl_yaml_str(vn) ? tcpl_yaml_str(vn) : "0");
            else
                return bad(l, kn, "unknown key '%s' in a section%s", key, NULL);
        }
        if (!s->title.code)
            return bad(l, it, "a section needs a title pattern%s%s", NULL, NULL);
        if (!s->name)
            s->name = "";
    }
    return 0;
}

/* Keys every rule takes, then the ones each type adds. */
static const char *const common_keys[] = {"id",    "type", "severity", "category", "message",
                                          "basis", "fix",  "check",    "since"};

static int allowed(rule_type t, const char *key)
{
    for (size_t i = 0; i < sizeof common_keys / sizeof common_keys[0]; i++)
        if (!strcmp(common_keys[i], key))
            return 1;
    const char *per[NTYPES] = {"sections in_order",
                               "fields under",
                               "pattern scope section prefilter",
                               "pattern scope section max prefilter",
                               "numbers issuers",
                               "kinds years_after",
                               "",
                               "margins size font",
                               "section under ignore threshold levels",
                               "max",
                               "table total skip column min"};
    const char *list = per[t];
    size_t kl = strlen(key);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == kl && !strncmp(p, key, n))
            return 1;
        p += n;
        while (*p == ' ')
            p++;
    }
    return 0;
}

static int load_rule(loader *l, rule *r, yaml_node_t *n)
{
    int rc = 0;
    yaml_node_t *tn = tcpl_yaml_get(&l->y, n, "type");
    int t = pick(type_names, NTYPES, tcpl_yaml_str(tn));
    if (t < 0)
        return bad(l, tn ? tn : n, "unknown rule type '%s'%s", tcpl_yaml_str(tn), NULL);
    r->type = (rule_type)t;
    r->severity = TCPL_SEV_LOI;
    r->max = 20;
    r->message_vi = r->message_en = r->basis = r->fix = "";
    for (size_t p = 0; p < tcpl_yaml_map_len(n); p++) {
        yaml_node_t *kn = tcpl_yaml_map_key(&l->y, n, p), *vn = tcpl_yaml_map_value(&l->y, n, p);
        const char *key = tcpl_yaml_str(kn);
        if (!key || !allowed(r->type, key))
            return bad(l, kn, "unknown key '%s' for a rule of type %s", key, type_names[t]);
        const char *v = tcpl_yaml_str(vn);
        if (!strcmp(key, "id"))
            r->id = str(l, vn);
        else if (!strcmp(key, "severity")) {
            int s = pick(sev_names, 3, v);
            if (s < 0)
                return bad(l, vn, "severity '%s'%s: loi, canh-bao or goi-y", v, NULL);
            r->severity = (tcpl_severity)s;
        } else if (!strcmp(key, "category")) {
            int cidx = pick(cat_names, TCPL_CAT_COUNT, v);
            if (cidx < 0)
                return bad(l, vn, "category '%s'%s is not in the vocabulary (docs/rules.md)", v,
                           NULL);
            r->category = (tcpl_category)cidx;
        } else if (!strcmp(key, "message")) {
            if (vn->type == YAML_MAPPING_NODE) {
                r->message_vi = str(l, tcpl_yaml_get(&l->y, vn, "vi"));
                r->message_en = str(l, tcpl_yaml_get(&l->y, vn, "en"));
                if (!r->message_vi)
                    return bad(l, vn, "message needs its Vietnamese text (vi)%s%s", NULL, NULL);
                if (!r->message_en)
                    r->message_en = "";
            } else if (!(r->message_vi = str(l, vn)))
                return bad(l, vn, "message must be text%s%s", NULL, NULL);
        } else if (!strcmp(key, "basis"))
            r->basis = str(l, vn);
        else if (!strcmp(key, "fix"))
            r->fix = str(l, vn);
        else if (!strcmp(key, "check"))
            r->check = str(l, vn);
        else if (!strcmp(key, "since")) {
            r->since = rl_days(v, NULL);
            if (r->since < 0)
                return bad(l, vn, "since '%s'%s: an ISO date (YYYY-MM-DD)", v, NULL);
        } else if (!strcmp(key, "pattern")) {
            if ((rc = compile_at(l, &r->pattern, vn, 1)) < 0)
                return rc;
            r->has_pattern = 1;
        } else if (!strcmp(key, "section")) {
            if ((rc = compile_at(l, &r->section, vn, 0)) < 0)
                return rc;
            r->has_section = 1;
        } else if (!strcmp(key, "total") || !strcmp(key, "skip") || !strcmp(key, "column") ||
                   !strcmp(key, "table")) {
            tcpl_re *re = key[0] == 't' && key[1] == 'o' ? &r->total
                          : key[0] == 's'                ? &r->skip
                          : key[0] == 'c'                ? &r->column
                                                         : &r->table_re;
            if ((rc = compile_at(l, re, vn, 0)) < 0)
                return rc;
            r->has_skip |= re == &r->skip;
            r->has_column |= re == &r->column;
            r->has_table |= re == &r->table_re;
        } else if (!strcmp(key, "min")) {
            if ((rc = amount(l, vn, &r->min)) < 0)
                return rc;
        } else if (!strcmp(key, "levels")) {
            static const char *const lv[] = {"xa", "huyen"};
            for (size_t s = 0; s < tcpl_yaml_map_len(vn); s++) {
                yaml_node_t *sk = tcpl_yaml_map_key(&l->y, vn, s);
                int k = pick(lv, LEVEL_COUNT, tcpl_yaml_str(sk));
                if (k < 0)
                    return bad(l, sk, "levels: xa, huyen%s%s", NULL, NULL);
                if ((rc = compile_at(l, &r->level_re[k], tcpl_yaml_map_value(&l->y, vn, s), 0)) < 0)
                    return rc;
                r->has_level[k] = 1;
            }
        } else if (!strcmp(key, "under")) {
            if ((rc = compile_at(l, &r->under, vn, 0)) < 0)
                return rc;
            r->has_under = 1;
        } else if (!strcmp(key, "scope")) {
            int s = pick(scope_names, 7, v);
            if (s < 0)
                return bad(l, vn,
                           "scope '%s'%s: document, header, basis, section, activities, "
                           "recipients or cells",
                           v, NULL);
            r->scope = (rule_scope)s;
        } else if (!strcmp(key, "fields")) {
            if ((rc = field_bits(l, vn, &r->fields)) < 0)
                return rc;
        } else if (!strcmp(key, "sections")) {
            if ((rc = sections(l, r, vn)) < 0)
                return rc;
        } else if (!strcmp(key, "in_order"))
            r->in_order = v && (!strcmp(v, "true") || !strcmp(v, "yes"));
        else if (!strcmp(key, "threshold")) {
            r->threshold = atoi(v ? v : "0");
            if (r->threshold < 1 || r->threshold > 100)
                return bad(l, vn, "threshold '%s'%s: a percentage, 1 to 100", v, NULL);
        } else if (!strcmp(key, "numbers") || !strcmp(key, "issuers") || !strcmp(key, "kinds") ||
                   !strcmp(key, "ignore")) {
            if ((rc = str_list(l, vn, &r->list, &r->nlist)) < 0)
                return rc;
        } else if (!strcmp(key, "years_after"))
            r->years_after = atoi(v ? v : "0");
        else if (!strcmp(key, "max"))
            r->max = atoi(v ? v : "20");
        else if (!strcmp(key, "prefilter")) {
            if (!v || strcmp(v, "repeated-word"))
                return bad(l, vn, "prefilter '%s'%s: repeated-word (docs/rules.md)", v, NULL);
            r->prefilter = PF_REPEATED_WORD;
        }
        else if (!strcmp(key, "font"))
            r->font = str(l, vn);
        else if (!strcmp(key, "size")) {
            if ((rc = range(l, vn, r->range[0])) < 0)
                return rc;
        } else if (!strcmp(key, "margins")) {
            static const char *const sides[] = {"top", "bottom", "left", "right"};
            for (size_t s = 0; s < tcpl_yaml_map_len(vn); s++) {
                yaml_node_t *sk = tcpl_yaml_map_key(&l->y, vn, s);
                int side = pick(sides, 4, tcpl_yaml_str(sk));
                if (side < 0)
                    return bad(l, sk, "margins: top, bottom, left, right%s%s", NULL, NULL);
                if ((rc = range(l, tcpl_yaml_map_value(&l->y, vn, s), r->range[side])) < 0)
                    return rc;
            }
        }
    }
    if (!r->id)
        return bad(l, n, "a rule needs an id%s%s", NULL, NULL);
    if (!*r->message_vi)
        return bad(l, n, "rule %s needs a message%s", r->id, NULL);
    int (*known)(const char *) = r->type == RT_CITATION    ? r_citation_known
                                 : r->type == RT_DATE      ? r_date_known
                                 : r->type == RT_NUMBERING ? r_numbering_known
                                 : r->type == RT_FORMAT    ? r_format_known
                                 : r->type == RT_COVERAGE  ? r_coverage_known
                                 : r->type == RT_SPELLING  ? r_spelling_known
                                 : r->type == RT_TABLE_SUM ? r_table_sum_known
                                                           : NULL;
    if (known && (!r->check || !known(r->check)))
        return bad(l, n, "rule %s: unknown or missing check '%s' (docs/rules.md)", r->id, r->check);
    if ((r->type == RT_EXISTS || r->type == RT_ABSENT) && !r->has_pattern)
        return bad(l, n, "rule %s needs a pattern%s", r->id, NULL);
    if (r->type == RT_SECTION && !r->nsections)
        return bad(l, n, "rule %s needs sections%s", r->id, NULL);
    if (r->type == RT_FIELD && !r->fields)
        return bad(l, n, "rule %s needs fields%s", r->id, NULL);
    if (r->type == RT_COVERAGE && !r->has_section && strcmp(r->check, "assigned"))
        return bad(l, n, "rule %s: coverage needs the section of the other document%s", r->id,
                   NULL);
    if (r->type == RT_COVERAGE && !r->threshold)
        r->threshold = 30;
    if (r->type == RT_COVERAGE && !strcmp(r->check, "assigned") &&
        !(r->has_level[LEVEL_XA] && r->has_level[LEVEL_HUYEN]))
        return bad(l, n, "rule %s: assigned needs levels {xa, huyen}%s", r->id, NULL);
    if (r->type == RT_TABLE_SUM && !r->total.code &&
        (rc = tcpl_re_compile_nojit(&r->total, DEFAULT_TOTAL, 0, l->file, 0, l->err)) < 0)
        return rc;
    if (r->type == RT_TABLE_SUM && !r->has_skip && !strcmp(r->check, "sum")) {
        if ((rc = tcpl_re_compile_nojit(&r->skip, DEFAULT_SKIP, 0, l->file, 0, l->err)) < 0)
            return rc;
        r->has_skip = 1;
    }
    if (r->type == RT_TABLE_SUM && !strcmp(r->check, "threshold") && !r->min)
        return bad(l, n, "rule %s: threshold needs min%s", r->id, NULL);
    if (r->scope == SC_SECTION && !r->has_section && r->type != RT_COVERAGE)
        return bad(l, n, "rule %s: scope section needs a section pattern%s", r->id, NULL);
    return 0;
}

static void free_rule(rule *r)
{
    tcpl_re_free(&r->pattern);
    tcpl_re_free(&r->section);
    tcpl_re_free(&r->under);
    tcpl_re_free(&r->total);
    tcpl_re_free(&r->skip);
    tcpl_re_free(&r->column);
    tcpl_re_free(&r->table_re);
    for (size_t i = 0; i < LEVEL_COUNT; i++)
        tcpl_re_free(&r->level_re[i]);
    for (size_t i = 0; i < r->nsections; i++)
        tcpl_re_free(&r->sections[i].title);
}

void rl_pack_free(pack *p)
{
    for (size_t i = 0; i < p->nrules; i++)
        free_rule(&p->rules[i]);
    tcpl_re_free(&p->title_re);
}

int rl_pack_load(tcpl_checker *c, const char *name, const char *data, size_t len, const char *file,
                 tcpl_error *err)
{
    loader l;
    memset(&l, 0, sizeof l);
    l.c = c;
    l.file = tcpl_arena_strdup(&c->arena, file);
    l.err = err;
    if (!l.file)
        return TCPL_NOMEM(err, file);
    int rc = tcpl_yaml_load_string(&l.y, data, len, l.file, err);
    if (rc < 0)
        return rc;
    pack *p = tcpl_vec_push(&c->packs);
    if (!p) {
        tcpl_yaml_free(&l.y);
        return TCPL_NOMEM(err, file);
    }
    p->file = l.file;
    yaml_node_t *root = tcpl_yaml_root(&l.y);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = bad(&l, root, "a pack is a mapping (pack, title, applies_to, rules)%s%s", NULL, NULL);
        goto out;
    }
    for (size_t i = 0; i < tcpl_yaml_map_len(root); i++) {
        yaml_node_t *kn = tcpl_yaml_map_key(&l.y, root, i),
                    *vn = tcpl_yaml_map_value(&l.y, root, i);
        const char *key = tcpl_yaml_str(kn);
        if (key && !strcmp(key, "pack"))
            p->id = str(&l, vn);
        else if (key && !strcmp(key, "title"))
            p->title = str(&l, vn);
        else if (key && !strcmp(key, "basis"))
            p->basis = str(&l, vn);
        else if (key && !strcmp(key, "version"))
            ;
        else if (key && !strcmp(key, "include")) {
            if ((rc = str_list(&l, vn, &p->includes, &p->nincludes)) < 0)
                goto out;
        } else if (key && !strcmp(key, "applies_to")) {
            for (size_t k = 0; k < tcpl_yaml_map_len(vn); k++) {
                yaml_node_t *ak = tcpl_yaml_map_key(&l.y, vn, k),
                            *av = tcpl_yaml_map_value(&l.y, vn, k);
                const char *akey = tcpl_yaml_str(ak);
                if (akey && !strcmp(akey, "kinds")) {
                    if ((rc = str_list(&l, av, &p->kinds, &p->nkinds)) < 0)
                        goto out;
                } else if (akey && !strcmp(akey, "title")) {
                    if ((rc = compile_at(&l, &p->title_re, av, 0)) < 0)
                        goto out;
                    p->has_title = 1;
                } else if (akey && !strcmp(akey, "priority")) {
                    p->priority = atoi(tcpl_yaml_str(av) ? tcpl_yaml_str(av) : "0");
                } else {
                    rc = bad(&l, ak, "unknown key '%s' in applies_to (kinds, title, priority)%s",
                             akey, NULL);
                    goto out;
                }
            }
        } else if (key && !strcmp(key, "rules")) {
            size_t k = tcpl_yaml_len(vn);
            if (k > TCPL_PACK_MAX_RULES) {
                rc = bad(&l, vn, "too many rules (over 500)%s%s", NULL, NULL);
                goto out;
            }
            p->rules = tcpl_arena_alloc(&c->arena, (k ? k : 1) * sizeof *p->rules);
            if (!p->rules) {
                rc = TCPL_NOMEM(err, file);
                goto out;
            }
            for (size_t r = 0; r < k; r++) {
                p->nrules++;
                if ((rc = load_rule(&l, &p->rules[r], tcpl_yaml_item(&l.y, vn, r))) < 0)
                    goto out;
            }
        } else {
            rc = bad(&l, kn, "unknown key '%s' in a pack%s", key, NULL);
            goto out;
        }
    }
    if (!p->id)
        p->id = tcpl_arena_strdup(&c->arena, name);
    if (!p->title)
        p->title = "";
    if (!p->basis)
        p->basis = "";
out:
    tcpl_yaml_free(&l.y);
    if (rc < 0) {
        rl_pack_free(p);
        c->packs.len--;
    }
    return rc;
}
