#ifndef TCPL_DOSSIER_INTERNAL_H
#define TCPL_DOSSIER_INTERNAL_H
/* Evidence dossiers (docs/rules.md "Dossier packs"): the pack (pack.c), the
 * folder walk and the matching (run.c), the outputs (out.c). */
#include "base/arena.h"
#include "base/vec.h"
#include "tcpl/dossier.h"
#include "tcpl/extract.h"
#include "tcpl/rules.h"

/* Items in one pack and phrases in one list: a dossier is a dozen items;
 * these bound what a broken or hostile pack can ask for. */
#define DOSSIER_MAX_ITEMS 200
#define DOSSIER_MAX_PHRASES 100
/* DOCX read per item: an item proved by hundreds of look-alike files would
 * otherwise read them all; the first ones (sorted by path) decide. */
#define DOSSIER_MAX_READS 20

/* A content requirement: one of `any` (folded) appears in the text. */
typedef struct dreq {
    const char *id, *msg_vi, *msg_en;
    const char **any;
    size_t nany;
} dreq;

typedef struct ditem {
    const char *id, *desc_vi, *desc_en, *proves;
    const char **names, **folders; /* folded */
    size_t nnames, nfolders;
    dreq *reqs;
    size_t nreqs;
    const char *tables; /* rule pack id whose table-sum rules run, or NULL */
} ditem;

struct tcpl_dossier_pack {
    tcpl_arena arena;
    const tcpl_ctx *ctx;
    const char *id, *title, *basis;
    ditem *items;
    size_t nitems;
    tcpl_checker *ck;   /* the table packs; NULL when no item has tables */
    tcpl_extractor *ex; /* with ck */
};

/* A table-sum finding kept for the outputs. */
typedef struct dfind {
    const char *rule, *file, *message, *basis;
    tcpl_severity severity;
    tcpl_category category;
    size_t item; /* the pack item whose file it is */
} dfind;

struct tcpl_dossier {
    tcpl_arena arena;
    const tcpl_dossier_pack *p;
    const char *dir;
    tcpl_vec items;     /* tcpl_dossier_item, one per pack item */
    tcpl_vec unmatched; /* const char * */
    tcpl_vec notes;     /* const char * */
    tcpl_vec finds;     /* dfind: table-sum findings and unchecked contents */
    size_t seen;
    int truncated;
};

/* s folded for comparison: NFC, diacritics and case dropped (đ is d),
 * every run of characters that are not letters or digits one space, with a
 * space at both ends (" bien ban hop "), so a phrase matches whole words
 * with strstr.  Linear in n.  NULL when out of memory.  malloc'd. */
char *dz_fold(const char *s, size_t n);
/* The context's text of a message id with {detail} filled, into the arena. */
const char *dz_msg(tcpl_arena *a, const tcpl_ctx *ctx, const char *id, const char *detail);
int dz_en(const tcpl_ctx *ctx);

#endif
