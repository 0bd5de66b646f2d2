#include <stdlib.h>
#include <string.h>

#include "model/model.h"

int tcpl_doc_new(tcpl_doc **out, const char *path)
{
    tcpl_doc *d = calloc(1, sizeof *d);
    if (!d)
        return TCPL_ERR_NOMEM;
    tcpl_arena_init(&d->arena);
    tcpl_vec_init(&d->blocks, sizeof(tcpl_block));
    tcpl_vec_init(&d->sections, sizeof(tcpl_section));
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
    size_t index = doc->blocks.len;
    tcpl_block *b = tcpl_vec_push(&doc->blocks);
    if (!b)
        return NULL;
    b->kind = kind;
    b->index = (int)index;
    b->parent = -1;
    b->para_index = -1;
    b->table = b->row = b->col = -1;
    b->outline_level = -1;
    b->num_id = b->ilvl = -1;
    b->text = b->label = b->style_id = b->style_name = b->part_name = "";
    b->grid_span = 1;
    return b;
}

void tcpl_doc_drop_last_block(tcpl_doc *doc)
{
    if (doc->blocks.len > 0)
        doc->blocks.len--;
}

tcpl_section *tcpl_doc_add_section(tcpl_doc *doc)
{
    return tcpl_vec_push(&doc->sections);
}

size_t tcpl_doc_bytes(const tcpl_doc *doc)
{
    return doc->arena.used_total + doc->blocks.cap * doc->blocks.elem +
           doc->sections.cap * doc->sections.elem;
}

size_t tcpl_doc_block_count(const tcpl_doc *doc)
{
    return doc ? doc->blocks.len : 0;
}

const tcpl_block *tcpl_doc_block(const tcpl_doc *doc, size_t i)
{
    return doc && i < doc->blocks.len ? &TCPL_DOC_BLOCK(doc, i) : NULL;
}

size_t tcpl_doc_section_count(const tcpl_doc *doc)
{
    return doc ? doc->sections.len : 0;
}

const tcpl_section *tcpl_doc_section(const tcpl_doc *doc, size_t i)
{
    return doc && i < doc->sections.len ? &TCPL_VEC_AT(&doc->sections, tcpl_section, i) : NULL;
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
    tcpl_vec_free(&doc->blocks);
    tcpl_vec_free(&doc->sections);
    free(doc->path);
    free(doc);
}
