#include <stdlib.h>
#include <string.h>

#include "model/model.h"

int tcpl_doc_new(tcpl_doc **out, const char *path)
{
    tcpl_doc *d = calloc(1, sizeof *d);
    if (!d)
        return TCPL_ERR_NOMEM;
    tcpl_arena_init(&d->arena);
    d->path = strdup(path ? path : "");
    if (!d->path) {
        free(d);
        return TCPL_ERR_NOMEM;
    }
    *out = d;
    return 0;
}

tcpl_block *tcpl_doc_add_block(tcpl_doc *doc, tcpl_block_kind kind)
{
    if (doc->nblocks == doc->cap) {
        size_t cap = doc->cap ? doc->cap * 2 : 256;
        tcpl_block *b = realloc(doc->blocks, cap * sizeof *b);
        if (!b)
            return NULL;
        doc->blocks = b;
        doc->cap = cap;
    }
    tcpl_block *b = &doc->blocks[doc->nblocks];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->index = (int)doc->nblocks++;
    b->parent = -1;
    b->para_index = -1;
    b->table = b->row = b->col = -1;
    b->outline_level = -1;
    b->num_id = b->ilvl = -1;
    b->text = b->label = b->style_id = b->style_name = b->part_name = "";
    b->grid_span = 1;
    return b;
}

tcpl_section *tcpl_doc_add_section(tcpl_doc *doc)
{
    if (doc->nsections == doc->seccap) {
        size_t cap = doc->seccap ? doc->seccap * 2 : 4;
        tcpl_section *s = realloc(doc->sections, cap * sizeof *s);
        if (!s)
            return NULL;
        doc->sections = s;
        doc->seccap = cap;
    }
    tcpl_section *s = &doc->sections[doc->nsections++];
    memset(s, 0, sizeof *s);
    return s;
}

size_t tcpl_doc_block_count(const tcpl_doc *doc)
{
    return doc ? doc->nblocks : 0;
}

const tcpl_block *tcpl_doc_block(const tcpl_doc *doc, size_t i)
{
    return doc && i < doc->nblocks ? &doc->blocks[i] : NULL;
}

size_t tcpl_doc_section_count(const tcpl_doc *doc)
{
    return doc ? doc->nsections : 0;
}

const tcpl_section *tcpl_doc_section(const tcpl_doc *doc, size_t i)
{
    return doc && i < doc->nsections ? &doc->sections[i] : NULL;
}

const char *tcpl_doc_path(const tcpl_doc *doc)
{
    return doc ? doc->path : "";
}

size_t tcpl_doc_xml_bytes(const tcpl_doc *doc)
{
    return doc ? doc->xml_bytes : 0;
}

void tcpl_doc_free(tcpl_doc *doc)
{
    if (!doc)
        return;
    tcpl_arena_free(&doc->arena);
    free(doc->blocks);
    free(doc->sections);
    free(doc->path);
    free(doc);
}
