#ifndef TCPL_STYLES_H
#define TCPL_STYLES_H
#include <stddef.h>

#include "base/arena.h"
#include "tcpl/error.h"
#include "tcpl/model.h"
#include "ooxml/xml.h"

enum { TCPL_THEME_MINOR = 1, TCPL_THEME_MAJOR = 2 };

/* Run properties with "not set" kept apart from "off", so a chain
 * docDefaults -> paragraph style -> character style -> direct formatting
 * can be merged.  -1 = not set. */
typedef struct tcpl_rpr {
    signed char bold, italic, underline, caps, strike, vert; /* vert: 0 base, 1 super, 2 sub */
    const char *font;                                        /* NULL = not set */
    signed char theme;   /* TCPL_THEME_MINOR / MAJOR: the theme font, when font is NULL */
    int size;            /* half-points, 0 = not set */
    const char *style;   /* w:rStyle id, NULL if none */
    signed char deleted; /* w:del / w:moveFrom inside: a deleted paragraph mark */
} tcpl_rpr;

/* Paragraph properties (from a style or a w:pPr). -1 / NULL = not set. */
typedef struct tcpl_ppr {
    const char *style;  /* w:pStyle id */
    int num_id, ilvl;   /* w:numPr; num_id 0 means "numbering removed" */
    int outline_level;  /* w:outlineLvl 0-9 (9 = body text) */
    int align;          /* tcpl_align, -1 = not set */
    tcpl_rpr rpr;       /* w:pPr/w:rPr: the paragraph mark's run properties */
    int mark_deleted;   /* w:pPr/w:rPr/w:del or w:moveFrom: the mark is a tracked deletion */
    int drop_cap;       /* w:framePr w:dropCap drop/margin: a drop cap (direct only) */
    tcpl_section *sect; /* caller's: filled from a w:pPr/w:sectPr when non-NULL */
    int has_sect;       /* a w:sectPr was read into *sect */
} tcpl_ppr;

/* A style with its whole basedOn chain and docDefaults folded in. */
typedef struct tcpl_style {
    const char *id;
    const char *name;
    int type;     /* 'p' paragraph, 'c' character, 't' table, 'n' numbering */
    tcpl_ppr ppr; /* resolved paragraph properties (paragraph styles) */
    tcpl_rpr rpr; /* resolved run properties: defaults + chain (character styles:
                     the chain only, as they layer over the paragraph's) */
} tcpl_style;

typedef struct tcpl_styles tcpl_styles;

void tcpl_rpr_init(tcpl_rpr *r);
void tcpl_ppr_init(tcpl_ppr *p);
/* Copies every property set in over onto dst. */
void tcpl_rpr_merge(tcpl_rpr *dst, const tcpl_rpr *over);

/* Parses a w:rPr (current node, element start) into out, consuming its
 * subtree; strings go to arena.  Used for styles and for direct formatting. */
int tcpl_rpr_parse(tcpl_xml *x, tcpl_arena *arena, tcpl_rpr *out, tcpl_error *err);
/* The same for w:pPr (w:pStyle, w:numPr, w:outlineLvl, w:jc, w:rPr); elements
 * it does not know are skipped. */
int tcpl_ppr_parse(tcpl_xml *x, tcpl_arena *arena, tcpl_ppr *out, tcpl_error *err);

/* Page setup of a w:sectPr (current node) into out, consuming its subtree. */
int tcpl_sectpr_parse(tcpl_xml *x, tcpl_section *out, tcpl_error *err);

/* Parses styles.xml; xml may be NULL (no styles part): empty styles with
 * Word's built-in defaults. */
/* A styles part up to this size is parsed in one go when opened (docDefaults
 * and every style; resolved on demand) instead of one small parse per style
 * asked for: each parse on demand costs ~60,000 instructions whatever the
 * style's size (the parser, the root's namespace declarations), and a
 * document asks for five or more, while parsing a few KB of styles costs
 * less than two of them.  Word's 350 KB parts stay lazy. */
#define TCPL_STYLES_ONE_PARSE_BYTES (16u << 10)

int tcpl_styles_parse(tcpl_styles **out, const char *xml, size_t len, const char *file,
                      const char *part, tcpl_error *err);
void tcpl_styles_free(tcpl_styles *st);
/* The same, lazily: takes xml (freed with the styles, or at once on
 * failure), indexes its w:style elements without parsing them, and parses
 * a style (with its basedOn chain) when tcpl_styles_get or
 * tcpl_styles_default_para first asks for it.  Results are those of
 * tcpl_styles_parse; a parse on demand that fails makes those return NULL
 * and tcpl_styles_status return the error.  budget (NULL: none) is the
 * document's: the part, the index and every parse count against it, on
 * top of budget->used (what the document holds; the caller keeps it up to
 * date, with tcpl_styles_bytes included, while it reads).  Not for sharing between
 * threads (the getters then write). */
int tcpl_styles_open(tcpl_styles **out, char *xml, size_t len, const char *file, const char *part,
                     tcpl_xml_budget *budget, tcpl_error *err);
/* 0, or the error of a parse on demand (copied into err). */
int tcpl_styles_status(const tcpl_styles *st, tcpl_error *err);
/* Styles parsed and resolved so far (all of them after tcpl_styles_parse). */
size_t tcpl_styles_parsed(const tcpl_styles *st);
/* libxml2 parses tcpl_styles_open and its getters made of the part (the
 * docDefaults, one per chain step asked for; one in all for a part up to
 * TCPL_STYLES_ONE_PARSE_BYTES): for the tests. */
size_t tcpl_styles_parses(const tcpl_styles *st);
/* Memory the styles hold (the part kept for lazy reading included). */
size_t tcpl_styles_bytes(const tcpl_styles *st);

/* A resolved style by id, NULL if unknown. */
const tcpl_style *tcpl_styles_get(const tcpl_styles *st, const char *id);
/* The default paragraph style (w:default="1", type paragraph), NULL if none. */
const tcpl_style *tcpl_styles_default_para(const tcpl_styles *st);
/* docDefaults run properties. */
const tcpl_rpr *tcpl_styles_defaults(const tcpl_styles *st);

#endif
