#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

struct tcpl_arena_chunk {
    tcpl_arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

enum { ARENA_CHUNK = 64 * 1024 };

void tcpl_arena_init(tcpl_arena *a)
{
    memset(a, 0, sizeof *a);
}

static void free_list(tcpl_arena_chunk *c)
{
    while (c) {
        tcpl_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
}

void tcpl_arena_free(tcpl_arena *a)
{
    free_list(a->head);
    free_list(a->spare);
    memset(a, 0, sizeof *a);
}

size_t tcpl_arena_reset(tcpl_arena *a, size_t keep_bytes)
{
    size_t total = 0;
    for (tcpl_arena_chunk *s = a->spare; s; s = s->next)
        total += s->cap;
    tcpl_arena_chunk *c = a->head;
    while (c) {
        tcpl_arena_chunk *n = c->next;
        if (c->cap == ARENA_CHUNK && total + ARENA_CHUNK <= keep_bytes) {
            c->used = 0;
            c->next = a->spare;
            a->spare = c;
            total += ARENA_CHUNK;
        } else {
            free(c);
        }
        c = n;
    }
    a->head = NULL;
    a->used_total = 0;
    return total;
}

void *tcpl_arena_alloc(tcpl_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (n == 0)
        n = 8;
    tcpl_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
        if (cap == ARENA_CHUNK && a->spare) {
            c = a->spare; /* kept by a reset: no malloc */
            a->spare = c->next;
        } else {
            c = malloc(sizeof *c + cap);
        }
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        /* Big one-off blocks go behind the current chunk so it stays in use. */
        if (a->head && n > ARENA_CHUNK / 2) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    a->used_total += n;
    memset(p, 0, n);
    return p;
}

char *tcpl_arena_strndup(tcpl_arena *a, const char *s, size_t n)
{
    char *p = tcpl_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *tcpl_arena_strdup(tcpl_arena *a, const char *s)
{
    return tcpl_arena_strndup(a, s, strlen(s));
}
