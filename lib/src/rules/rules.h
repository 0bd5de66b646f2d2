#ifndef TCPL_RULES_INTERNAL_H
#define TCPL_RULES_INTERNAL_H
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/re.h"
#include "base/vec.h"
#include "tcpl/rules.h"

/* Rule types (docs/rules.md); one file per type: rules/r_<type>.c (exists and absent share
 * r_pattern.c). */
typedef enum {
    RT_SECTION,
    RT_FIELD,
    RT_EXISTS,
    RT_ABSENT,
    RT_CITATION,
    RT_DATE,
    RT_NUMBERING,
    RT_FORMAT,
    RT_COVERAGE,
    RT_SPELLING,
    RT_TABLE_SUM
} rule_type;

/* Administrative levels a superior plan assigns tasks to (coverage
 * `assigned`, --level). */
typedef enum { LEVEL_XA = 0, LEVEL_HUYEN, LEVEL_COUNT } admin_level;

/* Where exists/absent look. */
typedef enum {
    SC_DOCUMENT, /* every body paragraph */
    SC_HEADER,   /* the header block: before the kind and title */
    SC_BASIS,    /* between the title and the first section */
    SC_SECTION,  /* under sections whose title matches `section` */
    SC_ACTIVITIES,
    SC_RECIPIENTS,
    SC_CELLS /* paragraphs in table cells */
} rule_scope;

typedef struct section_req {
    const char *name; /* shown in messages: "Mục đích, yêu cầu" */
    tcpl_re title;
    int level; /* 0: any */
} section_req;

typedef struct rule {
    const char *id;
    rule_type type;
    const char *check; /* the sub-check of citation/date/numbering/format rules */
    tcpl_severity severity;
    tcpl_category category;
    const char *message_vi, *message_en, *basis, *fix;
    /* parameters (docs/rules.md says which type takes which) */
    rule_scope scope;
    int has_pattern, has_section, has_under;
    tcpl_re pattern, section, under;
    unsigned fields; /* TCPL_FIELD_* */
    section_req *sections;
    size_t nsections;
    int in_order;
    const char **list; /* numbers (citation required / unknown issuers), time kinds */
    size_t nlist;
    int range[4][2]; /* format margins top, bottom, left, right in mm; [0] also size range */
    const char *font;
    int years_after; /* date window */
    int max;         /* absent: findings kept per rule */
    int prefilter;   /* exists/absent: PF_* (prefilter.c), PF_NONE by default */
    long since;      /* applies to documents dated on or after (days), 0 always */
    int threshold;   /* coverage: similarity in percent that counts as a match */
    /* table-sum: the total row's label, columns not summed, the column a
     * threshold applies to, the tables concerned; the threshold in
     * thousandths ("80" is 80000) */
    tcpl_re total, skip, column, table_re;
    int has_skip, has_column, has_table;
    int64_t min;
    /* coverage assigned: the units that name each level */
    tcpl_re level_re[LEVEL_COUNT];
    int has_level[LEVEL_COUNT];
} rule;

/* exists/absent prefilters (`prefilter:`; lib/src/rules/prefilter.c). */
enum { PF_NONE, PF_REPEATED_WORD };
/* 0 when no repeated word (a word, whitespace, the same word ignoring case)
 * can be in text[0..len): a pattern that only matches such a pair cannot
 * match there.  1 when one may be.  Linear in len. */
int rl_pf_repeated_word(const char *text, size_t len);
/* The sets behind it, for tests: PCRE2's \s (UCP); the fold of a letter
 * the scan knows (lower case), 0xFFFFFFFF for any other code point;
 * whether u is such a letter. */
int rl_pf_space(uint32_t u);
uint32_t rl_pf_fold(uint32_t u);
int rl_pf_known_letter(uint32_t u);

typedef struct pack {
    const char *id, *title, *basis, *file;
    const char **kinds; /* auto-selection: document kinds ("KẾ HOẠCH"); "*" any */
    size_t nkinds;
    int has_title;
    tcpl_re title_re; /* auto-selection: the summary matches */
    int priority;     /* higher is tried first */
    const char **includes;
    size_t nincludes;
    rule *rules;
    size_t nrules;
} pack;

typedef struct reg_doc {
    const char *kind, *number, *norm, *date, *issuer, *title, *replaced_by, *effective;
} reg_doc;

struct tcpl_spell;

struct tcpl_checker {
    tcpl_arena arena;
    struct tcpl_spell *spell; /* loaded with the first pack that has spelling rules */
    const tcpl_ctx *ctx;
    tcpl_vec packs; /* of pack */
    reg_doc *reg;
    size_t nreg;
};

struct tcpl_findings {
    tcpl_arena arena;
    tcpl_vec items; /* of tcpl_finding */
    const char *packs;
    size_t counts[3];
    int nomem;
};

/* One document being checked. */
typedef struct cjob {
    const tcpl_checker *c;
    const tcpl_doc *doc;
    const tcpl_extraction *x;
    tcpl_findings *f;
    tcpl_match m;
    int en;
    tcpl_error *err;
    long when; /* the document's date (days): its own, else the latest it cites; -1 */
    const tcpl_extraction *against; /* coverage: the other document, or NULL */
    int level;                      /* coverage assigned: an admin_level, or -1 */
} cjob;

/* A placeholder value for messages: {key} -> value. */
typedef struct kv {
    const char *key, *value;
} kv;

/* Adds a finding of rule r at block (-1: whole document) with the
 * message's placeholders filled from vals (n pairs); fix overrides the
 * rule's fix template when not NULL.  0 or TCPL_ERR_NOMEM. */
/* The opening words of s (at most size - 4 bytes, cut between words, "…"). */
void rl_short(const char *s, char *out, size_t size);
int rl_add(cjob *j, const rule *r, int block, const kv *vals, size_t n, const char *fix);
/* Runs re on s; 1 hit, 0 none; a limit becomes a finding of its own
 * (rule r) and counts as no hit; <0 only for out of memory. */
int rl_find(cjob *j, const rule *r, const tcpl_re *re, const char *s, size_t len, int block);
/* "2024-03-05" <-> days; partial ISO ("2024", "2024-03") gives its first
 * day with *last the last day.  -1 if not a date. */
long rl_days(const char *iso, long *last);
/* Upper-cased, NFC, spaces and dots dropped: how citation numbers compare. */
char *rl_norm_number(tcpl_arena *a, const char *s);
const reg_doc *rl_registry_find(const tcpl_checker *c, const char *number);
int rl_registry_load(tcpl_checker *c, tcpl_error *err);

int r_section(cjob *j, const rule *r);
int r_field(cjob *j, const rule *r);
int r_pattern(cjob *j, const rule *r);
int r_citation(cjob *j, const rule *r);
int r_date(cjob *j, const rule *r);
int r_numbering(cjob *j, const rule *r);
int r_format(cjob *j, const rule *r);
int r_coverage(cjob *j, const rule *r);
int r_coverage_known(const char *check);
int r_spelling(cjob *j, const rule *r);
int r_spelling_known(const char *check);
int r_table_sum(cjob *j, const rule *r);
int r_table_sum_known(const char *check);

/* Is check one of names[0..n)?  Each rule type lists its sub-checks. */
int rl_known(const char *const *names, size_t n, const char *check);
/* Checks a rule's sub-check name is one its type knows. */
int r_citation_known(const char *check);
int r_date_known(const char *check);
int r_numbering_known(const char *check);
int r_format_known(const char *check);

void rl_pack_free(pack *p);
int rl_pack_load(tcpl_checker *c, const char *name, const char *data, size_t len, const char *file,
                 tcpl_error *err);

#endif
