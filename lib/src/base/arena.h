#ifndef TCPL_ARENA_H
#define TCPL_ARENA_H
#include <stddef.h>

/* Bump allocator: a document's strings and arrays live here and are freed
 * in one loop, whatever the document's shape. */
typedef struct tcpl_arena_chunk tcpl_arena_chunk;
typedef struct tcpl_arena {
    tcpl_arena_chunk *head;
    tcpl_arena_chunk *spare; /* empty chunks kept by tcpl_arena_reset */
    size_t used_total;
} tcpl_arena;

void tcpl_arena_init(tcpl_arena *a);
void tcpl_arena_free(tcpl_arena *a);
/* Empties the arena for reuse: everything allocated from it is gone.  Its
 * standard-size chunks are kept, up to keep_bytes of them (the rest, and
 * every one-off block larger than a chunk, go back to the system), so the
 * next user allocates without malloc.  Returns the bytes kept. */
size_t tcpl_arena_reset(tcpl_arena *a, size_t keep_bytes);
void *tcpl_arena_alloc(tcpl_arena *a, size_t n); /* 8-aligned, zeroed; NULL on failure */
char *tcpl_arena_strndup(tcpl_arena *a, const char *s, size_t n);
char *tcpl_arena_strdup(tcpl_arena *a, const char *s);

#endif
