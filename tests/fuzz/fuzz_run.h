/* Shared by the libFuzzer harnesses: one context and one extractor per
 * process (built on first use, like a real caller), and the whole pipeline
 * after the reader.  A renderer or the extractor failing on a document that
 * read is a bug unless it ran out of memory or hit a named limit: abort()
 * so libFuzzer keeps the input. */
#ifndef TCPL_FUZZ_RUN_H
#define TCPL_FUZZ_RUN_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpl/tcpl.h"
#include "tcpl/extract.h"

static tcpl_ctx *fuzz_ctx;
static tcpl_extractor *fuzz_ex;

static void fuzz_setup(void)
{
    tcpl_error err;
    if (!fuzz_ctx) {
        tcpl_ctx_options o = {"vi", NULL};
        if (tcpl_ctx_new(&fuzz_ctx, &o, &err) < 0)
            abort();
    }
    if (!fuzz_ex && tcpl_extractor_new(&fuzz_ex, fuzz_ctx, &err) < 0) {
        char msg[1024];
        tcpl_error_format(fuzz_ctx, &err, msg, sizeof msg);
        fprintf(stderr, "fuzz: extractor: %s\n", msg);
        abort();
    }
}

/* NOMEM and LIMIT are honest answers; anything else from a stage that has
 * a document in hand is a bug. */
static void fuzz_expect(int rc, const tcpl_error *err, const char *what)
{
    if (rc >= 0 || rc == TCPL_ERR_NOMEM || rc == TCPL_ERR_LIMIT)
        return;
    char msg[1024];
    tcpl_error_format(fuzz_ctx, err, msg, sizeof msg);
    fprintf(stderr, "fuzz: %s failed (%d): %s\n", what, rc, msg);
    abort();
}

/* A broken invariant of the model or the extraction is a bug too. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Reads every byte a caller may read (ASan sees a dangling or short
 * string) and checks what the headers promise about indices. */
static size_t fuzz_touch(const char *s)
{
    FUZZ_CHECK(s != NULL);
    return strlen(s);
}

static void fuzz_walk_doc(const tcpl_doc *doc)
{
    size_t n = tcpl_doc_block_count(doc);
    for (size_t i = 0; i < n; i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        FUZZ_CHECK(b && b->index == (int)i);
        FUZZ_CHECK(b->parent >= -1 && b->parent < (int)i);
        fuzz_touch(b->part_name);
        if (b->kind != TCPL_BLOCK_PARAGRAPH)
            continue;
        FUZZ_CHECK(fuzz_touch(b->text) == b->text_len);
        fuzz_touch(b->label);
        fuzz_touch(b->style_id);
        fuzz_touch(b->style_name);
        for (size_t r = 0; r < b->run_count; r++) {
            FUZZ_CHECK(b->runs[r].offset <= b->text_len &&
                       b->runs[r].length <= b->text_len - b->runs[r].offset);
            fuzz_touch(b->runs[r].font);
        }
    }
    for (size_t i = 0; i < tcpl_doc_section_count(doc); i++) {
        const tcpl_section *s = tcpl_doc_section(doc, i);
        FUZZ_CHECK(s && s->last_block >= -1 && s->last_block < (int)n);
    }
}

#define FUZZ_BLOCK(b) FUZZ_CHECK((b) >= -1 && (b) < (int)nblocks)

static void fuzz_walk_extract(const tcpl_extraction *x, size_t nblocks)
{
    const tcpl_xmeta *m = tcpl_extraction_meta(x);
    fuzz_touch(m->file);
    fuzz_touch(m->kind);
    fuzz_touch(m->number);
    fuzz_touch(m->symbol);
    fuzz_touch(m->authority);
    fuzz_touch(m->place);
    fuzz_touch(m->title);
    fuzz_touch(m->date.text);
    if (m->date.iso)
        fuzz_touch(m->date.iso);
    FUZZ_BLOCK(m->date.block);
    FUZZ_BLOCK(m->kind_block);
    FUZZ_BLOCK(m->number_block);
    FUZZ_BLOCK(m->authority_block);
    FUZZ_BLOCK(m->title_block);
    for (size_t i = 0; i < tcpl_extraction_citation_count(x); i++) {
        const tcpl_xcitation *c = tcpl_extraction_citation(x, i);
        fuzz_touch(c->kind);
        fuzz_touch(c->number);
        fuzz_touch(c->issuer);
        fuzz_touch(c->text);
        if (c->date)
            fuzz_touch(c->date);
        FUZZ_BLOCK(c->block);
        FUZZ_CHECK(c->mentions >= 1);
    }
    size_t nsec = tcpl_extraction_section_count(x);
    for (size_t i = 0; i < nsec; i++) {
        const tcpl_xsection *s = tcpl_extraction_section(x, i);
        fuzz_touch(s->label);
        fuzz_touch(s->title);
        fuzz_touch(s->path);
        FUZZ_BLOCK(s->block);
        FUZZ_CHECK(s->level >= 1);
        FUZZ_CHECK(s->parent >= -1 && s->parent < (int)i);
    }
    for (size_t i = 0; i < tcpl_extraction_activity_count(x); i++) {
        const tcpl_xactivity *a = tcpl_extraction_activity(x, i);
        fuzz_touch(a->path);
        fuzz_touch(a->title);
        for (size_t k = 0; k < a->nlead; k++)
            fuzz_touch(a->lead[k].printed), fuzz_touch(a->lead[k].canonical);
        for (size_t k = 0; k < a->nsupport; k++)
            fuzz_touch(a->support[k].printed), fuzz_touch(a->support[k].canonical);
        fuzz_touch(a->time.text);
        fuzz_touch(tcpl_time_kind_name(a->time.kind));
        if (a->time.start)
            fuzz_touch(a->time.start);
        if (a->time.end)
            fuzz_touch(a->time.end);
        fuzz_touch(a->product);
        fuzz_touch(a->cause);
        fuzz_touch(a->solution);
        FUZZ_BLOCK(a->block);
        FUZZ_BLOCK(a->time_block);
        FUZZ_BLOCK(a->lead_block);
        FUZZ_CHECK(a->section >= -1 && a->section < (int)nsec);
    }
    for (size_t i = 0; i < tcpl_extraction_deadline_count(x); i++) {
        const tcpl_xdeadline *d = tcpl_extraction_deadline(x, i);
        fuzz_touch(d->text);
        if (d->date)
            fuzz_touch(d->date);
        FUZZ_BLOCK(d->block);
    }
    for (size_t i = 0; i < tcpl_extraction_recipient_count(x); i++)
        fuzz_touch(tcpl_extraction_recipient(x, i));
    for (size_t i = 0; i < tcpl_extraction_diag_count(x); i++) {
        const tcpl_xdiag *d = tcpl_extraction_diag(x, i);
        FUZZ_CHECK(fuzz_touch(d->code) > 0);
        fuzz_touch(d->detail);
        FUZZ_BLOCK(d->block);
    }
    const tcpl_xsigner *sg = tcpl_extraction_signer(x);
    fuzz_touch(sg->capacity);
    fuzz_touch(sg->deputy);
    fuzz_touch(sg->title);
    fuzz_touch(sg->name);
    FUZZ_BLOCK(sg->block);
}

/* Both document renderers, the extractor and both of its renderers. */
static void fuzz_pipeline(const tcpl_doc *doc)
{
    tcpl_error err;
    char *s = NULL;
    size_t n = 0;
    fuzz_walk_doc(doc);
    int rc = tcpl_doc_text(&s, &n, doc, TCPL_TEXT_BODY | TCPL_TEXT_NOTES | TCPL_TEXT_HEADERS, &err);
    fuzz_expect(rc, &err, "tcpl_doc_text");
    free(rc == 0 ? s : NULL);
    s = NULL;
    /* The model JSON is written by hand (streamed): it must parse, in
     * both layouts, whatever bytes the document holds. */
    for (unsigned o = 0; o <= TCPL_JSON_PRETTY; o += TCPL_JSON_PRETTY) {
        rc = tcpl_doc_json(&s, &n, doc, o, &err);
        fuzz_expect(rc, &err, "tcpl_doc_json");
        if (rc == 0) {
            json_t *j = json_loadb(s, n, 0, NULL);
            FUZZ_CHECK(j != NULL);
            FUZZ_CHECK(json_array_size(json_object_get(j, "blocks")) == tcpl_doc_block_count(doc));
            json_decref(j);
            free(s);
        }
        s = NULL;
    }

    tcpl_extraction *x = NULL;
    rc = tcpl_extract(&x, fuzz_ex, doc, &err);
    fuzz_expect(rc, &err, "tcpl_extract");
    if (rc < 0)
        return;
    fuzz_walk_extract(x, tcpl_doc_block_count(doc));
    rc = tcpl_extraction_json(&s, &n, x, TCPL_JSON_PRETTY, &err);
    fuzz_expect(rc, &err, "tcpl_extraction_json");
    free(rc == 0 ? s : NULL);
    s = NULL;
    rc = tcpl_extraction_outline(&s, &n, x, fuzz_ctx, &err);
    fuzz_expect(rc, &err, "tcpl_extraction_outline");
    free(rc == 0 ? s : NULL);
    tcpl_extraction_free(x);
}

/* Reads one package and runs everything on it. */
static void fuzz_docx_bytes(const uint8_t *data, size_t size)
{
    tcpl_doc *doc = NULL;
    tcpl_error err;
    fuzz_setup();
    if (tcpl_docx_read_memory(&doc, fuzz_ctx, data, size, "fuzz.docx", &err) == 0) {
        fuzz_pipeline(doc);
        tcpl_doc_free(doc);
    } else {
        char msg[1024];
        tcpl_error_format(fuzz_ctx, &err, msg, sizeof msg);
        /* Replaying by hand: say why an input did not read. */
        if (getenv("FUZZ_VERBOSE"))
            fprintf(stderr, "fuzz: not read: %s\n", msg);
    }
}

#endif
