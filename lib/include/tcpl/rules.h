#ifndef TCPL_RULES_H
#define TCPL_RULES_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/extract.h"
#include "tcpl/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks: YAML rule packs (the .yaml files in checks/, format in docs/rules.md) applied
 * to a document and its extraction, giving findings that say what is wrong,
 * where, and which requirement it breaks.  The checker uses only the public
 * views of the model and the extraction. */

typedef enum tcpl_severity {
    TCPL_SEV_LOI = 0,  /* "loi": Lỗi — an error the document must fix */
    TCPL_SEV_CANH_BAO, /* "canh-bao": Cảnh báo — probably wrong, check it */
    TCPL_SEV_GOI_Y     /* "goi-y": Gợi ý — a suggestion */
} tcpl_severity;

/* The fixed vocabulary reports and filters use. */
typedef enum tcpl_category {
    TCPL_CAT_NUMBER = 0,
    TCPL_CAT_DATE,
    TCPL_CAT_NUMBERING,
    TCPL_CAT_FIELD,
    TCPL_CAT_CITATION,
    TCPL_CAT_HEADER,
    TCPL_CAT_SECTION,
    TCPL_CAT_FORMAT,
    TCPL_CAT_SPELLING,
    TCPL_CAT_EVIDENCE,
    TCPL_CAT_DEADLINE,
    TCPL_CAT_COVERAGE,
    TCPL_CAT_ARITHMETIC,
    TCPL_CAT_COUNT
} tcpl_category;

/* "loi", "canh-bao", "goi-y"; "number", "date", ...  Static strings. */
TCPL_API const char *tcpl_severity_name(tcpl_severity s);
TCPL_API const char *tcpl_category_name(tcpl_category c);

/* Packs, the legal registry and their compiled patterns: build one per
 * process (tcpl_checker_new, then tcpl_checker_add_pack for each pack) and
 * share it read-only between threads afterwards. */
typedef struct tcpl_checker tcpl_checker;

TCPL_API int tcpl_checker_new(tcpl_checker **out, const tcpl_ctx *ctx, tcpl_error *err);
/* name: a pack of the data dir or built in ("ke-hoach-tcpl"), or a path to a
 * .yaml file.  A bad pattern or unknown key is TCPL_ERR_DATA naming the file,
 * line and column. */
TCPL_API int tcpl_checker_add_pack(tcpl_checker *c, const char *name, tcpl_error *err);
/* Adds every pack shipped in the data (the ones auto-selection chooses from). */
TCPL_API int tcpl_checker_add_default_packs(tcpl_checker *c, tcpl_error *err);
TCPL_API void tcpl_checker_free(tcpl_checker *c);
TCPL_API size_t tcpl_checker_pack_count(const tcpl_checker *c);
/* The pack's id ("ke-hoach-tcpl"), or NULL past the end. */
TCPL_API const char *tcpl_checker_pack_id(const tcpl_checker *c, size_t i);

typedef struct tcpl_finding {
    const char *rule; /* rule id ("KH-CIT-DATE") */
    tcpl_severity severity;
    tcpl_category category;
    const char *message; /* in the context's language, placeholders filled */
    int block;           /* block index, -1 for the whole document */
    const char *section; /* section path ("II.2.2"), "" before the first section */
    const char *excerpt; /* the paragraph's opening words, "" if none */
    const char *basis;   /* the clause or document the rule comes from */
    const char *fix;     /* what to write instead, "" if the rule has none */
} tcpl_finding;

/* The findings on one document.  Owns its strings. */
typedef struct tcpl_findings tcpl_findings;

typedef struct tcpl_check_options {
    /* Pack ids to apply; NULL or npacks 0: the pack chosen from the document
     * kind and title (plus the packs it includes). */
    const char *const *packs;
    size_t npacks;
    /* The document this one answers or implements (a remediation plan
     * answers a conclusion): coverage rules compare the two.  NULL: those
     * rules do nothing. */
    const tcpl_extraction *against;
    /* The level of government this document is written for, when against
     * is a superior plan: "xa" (commune) or "huyen" (district); coverage
     * `assigned` rules list the superior plan's tasks for that level that
     * this plan does not take up.  NULL: those rules do nothing. */
    const char *level;
} tcpl_check_options;

/* Never stops at a rule: a rule that fails at run time (a pattern limit)
 * becomes a finding of its own, and so do the extraction's diagnostics.
 * Errors only for out of memory or bad arguments. */
TCPL_API int tcpl_check(tcpl_findings **out, const tcpl_checker *c, const tcpl_doc *doc,
                        const tcpl_extraction *x, const tcpl_check_options *opts, tcpl_error *err);
/* The activities of a superior plan that the first coverage rule with
 * `check: assigned` among the checker's packs (ke-hoach-tcpl) gives to
 * level ("xa" or "huyen"): the tasks `tcpl check --against SUPERIOR --level`
 * expects a plan of that level to take up.  *idx: their indices for
 * tcpl_extraction_activity, malloc'd (the caller frees it), *n of them.
 * Errors: a bad level, no such rule loaded (TCPL_ERR_USAGE). */
TCPL_API int tcpl_assigned_activities(size_t **idx, size_t *n, const tcpl_checker *c,
                                      const tcpl_extraction *superior, const char *level,
                                      tcpl_error *err);
TCPL_API void tcpl_findings_free(tcpl_findings *f);
TCPL_API size_t tcpl_findings_count(const tcpl_findings *f);
TCPL_API const tcpl_finding *tcpl_findings_get(const tcpl_findings *f, size_t i);
/* Ids of the packs applied, joined by ", ". */
TCPL_API const char *tcpl_findings_packs(const tcpl_findings *f);
/* Findings at each severity. */
TCPL_API size_t tcpl_findings_at(const tcpl_findings *f, tcpl_severity s);

/* {"file", "kind", "pack", "findings": [...], "counts": {...}} (docs/rules.md);
 * options TCPL_JSON_*.  *out is the caller's (free()). */
TCPL_API int tcpl_findings_json(char **out, size_t *len, const tcpl_findings *f,
                                const tcpl_extraction *x, unsigned options, tcpl_error *err);
/* Compiler-like lines: FILE: SECTION: Lỗi [category] message — "excerpt". */
TCPL_API int tcpl_findings_text(char **out, size_t *len, const tcpl_findings *f,
                                const tcpl_extraction *x, const tcpl_ctx *ctx, tcpl_error *err);

#ifdef __cplusplus
}
#endif
#endif
