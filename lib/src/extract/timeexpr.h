#ifndef TCPL_TIMEEXPR_H
#define TCPL_TIMEEXPR_H
#include <stddef.h>

#include "tcpl/context.h"
#include "tcpl/error.h"
#include "tcpl/extract.h"

/* Dates and time expressions of Vietnamese plans: the header date
 * ("Điện Biên, ngày 02 tháng 02 năm 2024"), an activity's time field
 * ("Quý IV năm 2021", "Hằng năm", "Theo hướng dẫn của Bộ Tư pháp") and
 * deadlines inside sentences ("hoàn thành trước ngày 30/6/2022").
 *
 * Every word and pattern comes from checks/patterns/time.yaml (see
 * docs/time-expressions.md); this module only turns matched numbers into ISO
 * dates.  The parser is built once per context and is read-only afterwards,
 * so any number of threads may use it at once.  Outputs hold fixed arrays and
 * byte offsets into the caller's input: nothing is allocated for them.
 *
 * The parse functions return 1 when something was recognised, 0 when not,
 * and a negative tcpl_status on failure (out of memory, a pattern hitting its
 * match limit). */

#define TCPL_ISO_SIZE 11     /* "YYYY-MM-DD" + NUL */
#define TCPL_MONTHDAY_SIZE 8 /* "--MM-DD" + NUL (ISO 8601 date without year) */

typedef struct tcpl_timeparser tcpl_timeparser;

int tcpl_timeparser_new(tcpl_timeparser **out, const tcpl_ctx *ctx, tcpl_error *err);
void tcpl_timeparser_free(tcpl_timeparser *tp);

typedef struct tcpl_date {
    char iso[TCPL_ISO_SIZE];       /* "2024-02-02", "2024-02", "2024"; "" = null */
    int year, month, day;          /* 0 where blank */
    int complete;                  /* day, month and year all given and valid */
    int invalid;                   /* numbers given but no such date (31/2, month 13) */
    int day_digits;                /* digits printed for the day (2 = "05"), 0 if blank */
    int month_digits;              /* same for the month */
    size_t start, end;             /* the date text ("ngày ... năm 2024") in the input */
    size_t place_start, place_end; /* place before the comma; equal if none */
} tcpl_date;

/* tcpl_time_kind and tcpl_time_kind_name() are public (tcpl/extract.h). */

typedef struct tcpl_time {
    tcpl_time_kind kind;
    char start[TCPL_ISO_SIZE];         /* first day, "" = null (open or unknown) */
    char end[TCPL_ISO_SIZE];           /* last day, "" = null */
    char monthday[TCPL_MONTHDAY_SIZE]; /* "--12-15" when a day is given without
                                          a year ("Hằng năm, trước ngày 15/12") */
    int recurring;
    int invalid;               /* a date in it does not exist, or end before start */
    size_t start_off, end_off; /* the expression in the input, trimmed */
} tcpl_time;

typedef struct tcpl_deadline {
    size_t start, end;        /* "trước ngày 20/3/2024" in the input */
    char date[TCPL_ISO_SIZE]; /* "2024-03-20"; "" if invalid */
    int invalid;              /* the printed date does not exist */
} tcpl_deadline;

/* The header date of a document, searched in s (a paragraph or table cell).
 * Also accepts a bare numeric date "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy". */
int tcpl_date_parse(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_date *out);

/* One date phrase at the start of s (leading spaces skipped), e.g. what
 * follows a citation's number: "ngày 22/7/2021 của ...", "18 tháng 8 năm
 * 2021".  out->end tells where the phrase stops. */
int tcpl_date_from_text(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_date *out);

/* An activity's time field: the whole of s is the expression. */
int tcpl_time_parse(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_time *out);

/* Deadlines in a sentence, in order.  Stores up to max of them; *count gets
 * how many there are (more than max means some were left out).  Returns 0 or
 * a negative status. */
int tcpl_deadlines_find(const tcpl_timeparser *tp, const char *s, size_t len, tcpl_deadline *out,
                        size_t max, size_t *count);

/* Calendar helpers (no data needed). */
int tcpl_date_valid(int year, int month, int day);
int tcpl_days_in_month(int year, int month); /* 0 if month is out of range */

#endif
