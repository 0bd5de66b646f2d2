#ifndef TCPL_DOC_INTERNAL_H
#define TCPL_DOC_INTERNAL_H
#include "base/arena.h"
#include "base/vec.h"
#include "tcpl/model.h"

/* What reading one document cost, counted by the reader (tests assert on
 * these instead of timing). */
typedef struct tcpl_read_stats {
    size_t mem_peak;    /* highest reader memory: model + one part's XML events (bytes) */
    size_t events_peak; /* most XML events one part produced */
    size_t text_bytes;  /* bytes appended to paragraph texts, carried text included */
} tcpl_read_stats;

/* A document: blocks and sections in vectors, strings and runs in the arena. */
struct tcpl_doc {
    tcpl_arena arena;
    char *path;
    tcpl_vec blocks;   /* tcpl_block */
    tcpl_vec sections; /* tcpl_section */
    size_t xml_bytes;
    tcpl_read_stats stats;
};

#define TCPL_DOC_BLOCK(doc, i) TCPL_VEC_AT(&(doc)->blocks, tcpl_block, i)

int tcpl_doc_new(tcpl_doc **out, const char *path);
/* Appends a zeroed block (index, parent -1, table/row/col -1 set); NULL on
 * failure.  The pointer is valid until the next append. */
tcpl_block *tcpl_doc_add_block(tcpl_doc *doc, tcpl_block_kind kind);
/* Removes the last block (a paragraph merged into the next one). */
void tcpl_doc_drop_last_block(tcpl_doc *doc);
tcpl_section *tcpl_doc_add_section(tcpl_doc *doc);
/* Bytes the model holds now (arena, blocks, sections). */
size_t tcpl_doc_bytes(const tcpl_doc *doc);

#endif
