#ifndef TCPL_FILL_H
#define TCPL_FILL_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/extract.h"
#include "tcpl/rules.h"
#include "tcpl/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DOCX templates (docs/templates.md): a Word document whose text holds tags
 * -- {{name}}, {{a.b}}, {{#items}}...{{/items}}, {{^items}}...{{/items}},
 * {{.}}, filters {{ngay|ngay_viet}} -- filled from JSON data into a new
 * DOCX.  A template is compiled once (every part parsed, tags found however
 * Word split them across runs, sections matched) and filled many times;
 * a compiled template is read-only, so threads may fill it at once. */
typedef struct tcpl_template tcpl_template;

/* Options of compilation. */
#define TCPL_TPL_LINT                                                                              \
    1u /* keep going past template errors and collect them all                                     \
          (tcpl_template_problem); such a template cannot fill */

typedef struct tcpl_template_options {
    /* The tag delimiters, open and close separated by one space ("{ }" reads
     * docxtemplater templates); NULL or "": "{{ }}".  A Mustache
     * set-delimiter tag ({{=<% %>=}}) changes them for the rest of a part. */
    const char *delimiters;
    unsigned flags; /* TCPL_TPL_* */
} tcpl_template_options;

/* Errors: the package (as tcpl_docx_read would), a part that is not XML,
 * and template errors (TCPL_ERR_FORMAT, ids err.tpl_*: unclosed tag,
 * mismatched section, unknown filter, a section spanning paragraphs ...),
 * err->where naming the part, paragraph and table cell, err->detail the tag
 * and the text around it.  opts may be NULL. */
TCPL_API int tcpl_template_compile(tcpl_template **out, const tcpl_ctx *ctx, const char *path,
                                   const tcpl_template_options *opts, tcpl_error *err);
TCPL_API int tcpl_template_compile_memory(tcpl_template **out, const tcpl_ctx *ctx,
                                          const void *data, size_t len, const char *name,
                                          const tcpl_template_options *opts, tcpl_error *err);
TCPL_API void tcpl_template_free(tcpl_template *t);

/* With TCPL_TPL_LINT: every template error found (in document order), each
 * a filled tcpl_error; NULL past the end. */
TCPL_API size_t tcpl_template_problem_count(const tcpl_template *t);
TCPL_API const tcpl_error *tcpl_template_problem(const tcpl_template *t, size_t i);
/* Tags found in all parts. */
TCPL_API size_t tcpl_template_tag_count(const tcpl_template *t);
/* The data the template reads, as a JSON skeleton: "" for a value, [{...}]
 * for a loop, false for an inverted section.  Borrowed (lives with t). */
TCPL_API const char *tcpl_template_keys(const tcpl_template *t);

/* Options of filling. */
#define TCPL_FILL_ALLOW_MISSING 1u /* a missing key is empty text, not an error */

typedef struct tcpl_fill_options {
    unsigned flags; /* TCPL_FILL_* */
} tcpl_fill_options;

/* Fills t from json (UTF-8 JSON text, an object at the top) into a new DOCX
 * in memory: *out (malloc'd, the caller frees it), *len bytes.  The parts
 * without tags are copied from the template still compressed; settings.xml
 * gets w:updateFields.  Errors: bad JSON (TCPL_ERR_DATA, with line and
 * column), a missing key (TCPL_ERR_DATA, err.fill_missing, where = the
 * tag's place), a value that is not text, a filter that cannot apply, and
 * the limits of docs/limits.md (TCPL_ERR_LIMIT).  opts may be NULL. */
TCPL_API int tcpl_template_fill(void **out, size_t *len, const tcpl_template *t, const char *json,
                                size_t json_len, const tcpl_fill_options *opts, tcpl_error *err);
/* The same, written to path safely (tcpl_write_file: temp file + rename). */
TCPL_API int tcpl_template_fill_file(const tcpl_template *t, const char *json, size_t json_len,
                                     const char *path, const tcpl_fill_options *opts,
                                     tcpl_error *err);

/* The data of a draft remediation plan (templates/ke-hoach-khac-phuc)
 * answering the inspection conclusion kl: one item per shortcoming listed
 * under its "HẠN CHẾ, THIẾU SÓT" section, with a default lead part
 * (checks/remediate.yaml), the cause and the fix left as visible
 * placeholders, and a concrete deadline: the latest one the conclusion's
 * requirements set.  meta_json (may be NULL): the commune's own data (name,
 * number, date, signer), merged over the draft's.  *out: JSON text, the
 * caller's (free()). */
TCPL_API int tcpl_remediation_data(char **out, const tcpl_extraction *kl, const char *meta_json,
                                   const tcpl_ctx *ctx, tcpl_error *err);

/* The same draft from findings instead of a conclusion: findings_json (len
 * bytes) as tcpl_conclusion_data takes it (`tcpl check --format json`, JSON
 * Lines, or `tcpl dossier --format json`).  One item per distinct finding
 * of severity Lỗi or Cảnh báo (its section, message and basis; the
 * finding's fix as the remedy when it has one), the lead by the finding's
 * category (checks/remediate.yaml category_leads, then the word patterns),
 * and a concrete deadline: han_bao_cao of meta_json when given, else today
 * ("YYYY-MM-DD", the caller's clock) plus default_days.  The conclusion's
 * number and issuer are placeholders unless meta_json gives ket_luan. */
TCPL_API int tcpl_remediation_data_findings(char **out, const char *findings_json, size_t len,
                                            const char *meta_json, const char *today,
                                            const tcpl_ctx *ctx, tcpl_error *err);

/* The data of a draft inspection conclusion (templates/ket-luan-kiem-tra)
 * from findings: findings_json (len bytes) is the output of `tcpl check
 * --format json` -- one object, several one after another (JSON Lines), or
 * a dossier check holding such objects.  Its findings of severity Lỗi and
 * Cảnh báo become the shortcomings, one per category (in tcpl_category
 * order, numbered "stt"), each phrased from its findings' messages, with
 * the place and the basis.  meta_json (may be NULL): the inspection's data
 * (co_quan, so, ngay, don_vi, han_ke_hoach, han_khac_phuc, ky, noi_nhan
 * ...), merged over the draft's placeholders.  Errors: bad JSON or no
 * "findings" anywhere (TCPL_ERR_DATA), too many findings (TCPL_ERR_LIMIT).
 * The words of the draft are checks/conclude.yaml's, read through ctx (a
 * key it lacks: TCPL_ERR_DATA err.wording_missing).  *out: JSON text, the
 * caller's (free()). */
TCPL_API int tcpl_conclusion_data(char **out, const char *findings_json, size_t len,
                                  const char *meta_json, const tcpl_ctx *ctx, tcpl_error *err);

/* The data of a new plan (templates/ke-hoach, `tcpl new ke-hoach`): a
 * draft whose unknowns are visible "[ ... ]" placeholders, with meta_json
 * (may be NULL: the unit's own data, as samples/data/ke-hoach.json) merged
 * over it.  superior (may be NULL): a superior plan; then the draft's
 * activities ("hoat_dong") are the tasks it assigns to level ("xa" or
 * "huyen", per tcpl_assigned_activities with checker c) -- content, time
 * and product from the task, the lead a placeholder for the unit's own
 * part -- and its basis ("can_cu") cites the superior plan.  The words of
 * the draft are checks/new-plan.yaml's, read through ctx (a key it lacks:
 * TCPL_ERR_DATA err.wording_missing).  *out: JSON text, the caller's
 * (free()). */
TCPL_API int tcpl_plan_data(char **out, const tcpl_extraction *superior, const tcpl_checker *c,
                            const char *level, const char *meta_json, const tcpl_ctx *ctx,
                            tcpl_error *err);
#ifdef __cplusplus
}
#endif
#endif
