#ifndef TCPL_DOC_INTERNAL_H
#define TCPL_DOC_INTERNAL_H
#include "base/arena.h"
#include "tcpl/model.h"

/* A document: blocks in one growable array, strings and runs in the arena. */
struct tcpl_doc {
    tcpl_arena arena;
    char *path;
    tcpl_block *blocks;
    size_t nblocks, cap;
    tcpl_section *sections;
    size_t nsections, seccap;
    size_t xml_bytes;
};

int tcpl_doc_new(tcpl_doc **out, const char *path);
/* Appends a zeroed block (index, parent -1, table/row/col -1 set); NULL on
 * failure.  The pointer is valid until the next append. */
tcpl_block *tcpl_doc_add_block(tcpl_doc *doc, tcpl_block_kind kind);
tcpl_section *tcpl_doc_add_section(tcpl_doc *doc);

#endif
