#ifndef TCPL_EXTRACT_H
#define TCPL_EXTRACT_H

#include <stddef.h>
#include "tcpl/context.h"
#include "tcpl/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Extraction: a plan, remediation plan or inspection conclusion as
 * structured data — metadata, citations, sections, activities, deadlines,
 * recipients, signer — each item carrying the block index it came from.
 * Schema and recognised forms: docs/extract.md. */

/* Everything compiled once from the data files (patterns, unit aliases,
 * field labels): build one per process, share it read-only between threads. */
typedef struct tcpl_extractor tcpl_extractor;

TCPL_API int tcpl_extractor_new(tcpl_extractor **out, const tcpl_ctx *ctx, tcpl_error *err);
TCPL_API void tcpl_extractor_free(tcpl_extractor *ex);

/* The result for one document.  Strings and arrays are owned by it; it
 * borrows nothing from the document, which may be freed first. */
typedef struct tcpl_extraction tcpl_extraction;

TCPL_API int tcpl_extract(tcpl_extraction **out, const tcpl_extractor *ex, const tcpl_doc *doc,
                          tcpl_error *err);
TCPL_API void tcpl_extraction_free(tcpl_extraction *x);

/* JSON (one object, schema in docs/extract.md); options: TCPL_JSON_*.
 * *out is the caller's (free()). */
TCPL_API int tcpl_extraction_json(char **out, size_t *len, const tcpl_extraction *x,
                                  unsigned options, tcpl_error *err);
/* A readable outline in the context's language; *out is the caller's. */
TCPL_API int tcpl_extraction_outline(char **out, size_t *len, const tcpl_extraction *x,
                                     const tcpl_ctx *ctx, tcpl_error *err);

/* ---- read-only views for later stages (checks, templates) ---------- */

typedef struct tcpl_xdate {
    const char *text;             /* as printed, "" if none */
    const char *iso;              /* "2024-02-02", "2024-02", "2024", or NULL */
    int complete;                 /* day, month and year given and valid */
    int invalid;                  /* numbers printed that make no date (31/2) */
    int day_digits, month_digits; /* digits printed (2 = "05"), 0 if blank */
    int block;                    /* -1 if none */
} tcpl_xdate;

typedef struct tcpl_xmeta {
    const char *file;
    const char *kind;      /* "KẾ HOẠCH", "KẾT LUẬN", ... as printed, upper case; "" */
    const char *number;    /* "546/KH-UBND"; "" when blank */
    int number_blank;      /* "Số: /KH-UBND" */
    const char *symbol;    /* "KH-UBND" or "" */
    const char *authority; /* issuing body, lines joined by a space; "" */
    int national_header;   /* quốc hiệu and tiêu ngữ present */
    const char *place;     /* "" if none */
    tcpl_xdate date;
    const char *title; /* trích yếu, lines joined by a space */
    int kind_block, number_block, authority_block, title_block; /* -1 if absent */
} tcpl_xmeta;

typedef struct tcpl_xcitation {
    const char *kind;   /* "Quyết định" */
    const char *number; /* "25/2021/QĐ-TTg"; "" for a law cited by name */
    const char *date;   /* ISO or NULL */
    int date_invalid;   /* a printed date that is not a real day */
    int date_conflict;  /* mentions give two different dates */
    const char *issuer; /* "" if none */
    const char *text;   /* the fullest mention as printed */
    int block;          /* first mention */
    int mentions;
} tcpl_xcitation;

typedef struct tcpl_xsection {
    const char *label; /* "II.", "1.1.", "a)", "Hoạt động 2" */
    const char *title;
    const char *path; /* "II.1.1" */
    int level;        /* 1 = top */
    int block;
    int parent;     /* index into the sections array, -1 at top */
    int auto_label; /* the label came from Word numbering, not typed text */
    /* The source's own numbering slip: an earlier section printed the same
     * path (two items "2.2."): its index, and this path carries a suffix
     * ("II.2.2#2") so paths stay unique.  -1 when the path is its own. */
    int duplicate_of;
} tcpl_xsection;

typedef struct tcpl_xunit {
    const char *printed;   /* the name as printed ("UBND xã") */
    const char *canonical; /* its canonical name ("Ủy ban nhân dân xã") */
    const char *note;      /* what the list said about it after the name ("tham mưu ...",
                              "(b/c)", "đến việc triển khai ..."), as printed; "" if none */
} tcpl_xunit;

/* What a time expression is. */
typedef enum tcpl_time_kind {
    TCPL_TIME_UNKNOWN = 0, /* text that is no time expression tcpl knows */
    TCPL_TIME_DATE,        /* one day */
    TCPL_TIME_RANGE,       /* from one date, month or year to another */
    TCPL_TIME_QUARTER,
    TCPL_TIME_MONTH,
    TCPL_TIME_YEAR,
    TCPL_TIME_RECURRING, /* "Hằng năm", "Thường xuyên" */
    TCPL_TIME_DEFERRED   /* "Theo hướng dẫn của Bộ Tư pháp" */
} tcpl_time_kind;

/* The JSON spelling: "unknown", "date", "range", "quarter", "month", "year",
 * "recurring", "deferred".  Static. */
TCPL_API const char *tcpl_time_kind_name(tcpl_time_kind kind);

typedef struct tcpl_xtime {
    const char *text; /* "" when the field is absent */
    tcpl_time_kind kind;
    const char *start; /* ISO or NULL */
    const char *end;   /* ISO or NULL */
    int recurring;
    int invalid; /* a date in it does not exist */
    int block;   /* the block of the time field; -1 if none */
} tcpl_xtime;

/* Field bits for tcpl_xactivity.missing / .present. */
enum {
    TCPL_FIELD_LEAD = 1 << 0,
    TCPL_FIELD_SUPPORT = 1 << 1,
    TCPL_FIELD_TIME = 1 << 2,
    TCPL_FIELD_PRODUCT = 1 << 3,
    TCPL_FIELD_CAUSE = 1 << 4,
    TCPL_FIELD_SOLUTION = 1 << 5
};

typedef struct tcpl_xactivity {
    const char *path;
    const char *title;
    const tcpl_xunit *lead;
    size_t nlead;
    const tcpl_xunit *support;
    size_t nsupport;
    tcpl_xtime time;
    const char *product;      /* "" if none */
    const char *cause;        /* remediation plans; "" if none */
    const char *solution;     /* remediation plans; "" if none */
    unsigned present;         /* TCPL_FIELD_* seen with their label */
    unsigned missing;         /* TCPL_FIELD_* expected but absent */
    int unlabelled;           /* bullet or table lines under the activity that carry no field
                                 label (a label probably forgotten) */
    const char *const *notes; /* every line under the activity that is no field, as printed
                                 (bullet marks removed), in document order */
    size_t nnotes;
    int duplicate_of; /* its section's duplicate_of (an index into sections), or -1 */
    int block;        /* the activity's heading */
    int section;      /* index into the sections array */
    int time_block;   /* -1 if none */
    int lead_block;   /* -1 if none */
} tcpl_xactivity;

typedef struct tcpl_xdeadline {
    const char *text;
    const char *date; /* ISO or NULL when the printed date is invalid */
    int invalid;
    int block;
} tcpl_xdeadline;

typedef struct tcpl_xsigner {
    const char *capacity; /* "TM. ỦY BAN NHÂN DÂN" or "" */
    const char *deputy;   /* "KT. CHỦ TỊCH" or "" */
    const char *title;    /* "PHÓ CHỦ TỊCH" or "" */
    const char *name;     /* "" if none */
    int block;            /* -1 if no signature block */
} tcpl_xsigner;

/* A diagnostic: something the extraction had to cut or could not read
 * fully (a limit reached, a pattern that ran out of steps).  The result is
 * still usable; the user is told what is missing from it.  code is stable
 * ("units_cut"); its message is "diag.<code>" in checks/messages.yaml with
 * {detail} substituted. */
typedef struct tcpl_xdiag {
    const char *code;
    const char *detail; /* "" if none */
    int block;          /* -1 if not tied to one block */
} tcpl_xdiag;

TCPL_API size_t tcpl_extraction_diag_count(const tcpl_extraction *x);
TCPL_API const tcpl_xdiag *tcpl_extraction_diag(const tcpl_extraction *x, size_t i);

TCPL_API const tcpl_xmeta *tcpl_extraction_meta(const tcpl_extraction *x);
TCPL_API size_t tcpl_extraction_citation_count(const tcpl_extraction *x);
TCPL_API const tcpl_xcitation *tcpl_extraction_citation(const tcpl_extraction *x, size_t i);
TCPL_API size_t tcpl_extraction_section_count(const tcpl_extraction *x);
TCPL_API const tcpl_xsection *tcpl_extraction_section(const tcpl_extraction *x, size_t i);
TCPL_API size_t tcpl_extraction_activity_count(const tcpl_extraction *x);
TCPL_API const tcpl_xactivity *tcpl_extraction_activity(const tcpl_extraction *x, size_t i);
TCPL_API size_t tcpl_extraction_deadline_count(const tcpl_extraction *x);
TCPL_API const tcpl_xdeadline *tcpl_extraction_deadline(const tcpl_extraction *x, size_t i);
TCPL_API size_t tcpl_extraction_recipient_count(const tcpl_extraction *x);
TCPL_API const char *tcpl_extraction_recipient(const tcpl_extraction *x, size_t i);
TCPL_API const tcpl_xsigner *tcpl_extraction_signer(const tcpl_extraction *x);
/* The JSON name of a field bit ("lead", "support", "time", "product",
 * "cause", "solution"). */
TCPL_API const char *tcpl_field_name(unsigned field_bit);

#ifdef __cplusplus
}
#endif
#endif
