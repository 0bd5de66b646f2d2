#include "ooxml/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/vec.h"
#include "ooxml/numbering.h"
#include "ooxml/styles.h"

/* Parts remembered as seen once (key only, 32 bytes each): past this many
 * a new part is never cached.  A batch of a province's offices uses a few
 * templates; 4,096 unique parts cost 128 KB of keys. */
#define TCPL_MAX_CACHE_SEEN 4096
/* Parsed parts held at most: each entry is found by a linear search, and
 * real batches carry a handful of templates. */
#define TCPL_MAX_CACHE_ENTRIES 64
/* Default bound on the parsed parts' memory (tcpl_part_cache_new, 0). */
#define TCPL_DEFAULT_CACHE_BYTES ((size_t)64 << 20)

typedef struct seen_key {
    int kind;
    unsigned count;
    tcpl_part_key key;
} seen_key;

typedef struct entry {
    int kind;
    tcpl_part_key key;
    char *raw; /* key.comp_size compressed bytes */
    void *obj;
    size_t bytes;
} entry;

struct tcpl_part_cache {
    pthread_mutex_t lock;
    size_t max_bytes, bytes;
    tcpl_vec seen;    /* seen_key */
    tcpl_vec entries; /* entry */
};

int tcpl_part_cache_new(tcpl_part_cache **out, size_t max_bytes, tcpl_error *err)
{
    *out = NULL;
    tcpl_part_cache *c = calloc(1, sizeof *c);
    if (!c)
        return TCPL_NOMEM(err, NULL);
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        return TCPL_NOMEM(err, NULL);
    }
    c->max_bytes = max_bytes ? max_bytes : TCPL_DEFAULT_CACHE_BYTES;
    tcpl_vec_init(&c->seen, sizeof(seen_key));
    tcpl_vec_init(&c->entries, sizeof(entry));
    *out = c;
    return 0;
}

static void free_obj(int kind, void *obj)
{
    if (kind == TCPL_CACHE_STYLES)
        tcpl_styles_free(obj);
    else
        tcpl_numbering_free(obj);
}

void tcpl_part_cache_free(tcpl_part_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->entries.len; i++) {
        entry *e = &TCPL_VEC_AT(&c->entries, entry, i);
        free_obj(e->kind, e->obj);
        free(e->raw);
    }
    tcpl_vec_free(&c->entries);
    tcpl_vec_free(&c->seen);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int same_key(const tcpl_part_key *a, const tcpl_part_key *b)
{
    return a->crc == b->crc && a->size == b->size && a->comp_size == b->comp_size &&
           a->method == b->method;
}

unsigned tcpl_cache_seen(tcpl_part_cache *c, int kind, const tcpl_part_key *key)
{
    unsigned n = 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->entries.len && !n; i++) {
        const entry *e = &TCPL_VEC_AT(&c->entries, entry, i);
        n = e->kind == kind && same_key(&e->key, key);
    }
    size_t i = 0;
    for (; i < c->seen.len; i++) {
        seen_key *s = &TCPL_VEC_AT(&c->seen, seen_key, i);
        if (s->kind == kind && same_key(&s->key, key)) {
            if (s->count > n)
                n = s->count;
            if (s->count < 1000000)
                s->count++;
            break;
        }
    }
    if (i == c->seen.len && c->seen.len < TCPL_MAX_CACHE_SEEN) {
        seen_key *s = tcpl_vec_push(&c->seen);
        if (s)
            *s = (seen_key){kind, 1, *key};
    }
    pthread_mutex_unlock(&c->lock);
    return n;
}

static const void *find_locked(tcpl_part_cache *c, int kind, const tcpl_part_key *key,
                               const char *raw)
{
    for (size_t i = 0; i < c->entries.len; i++) {
        const entry *e = &TCPL_VEC_AT(&c->entries, entry, i);
        if (e->kind == kind && same_key(&e->key, key) &&
            !memcmp(e->raw, raw, (size_t)key->comp_size))
            return e->obj;
    }
    return NULL;
}

const void *tcpl_cache_find(tcpl_part_cache *c, int kind, const tcpl_part_key *key, const char *raw)
{
    pthread_mutex_lock(&c->lock);
    const void *obj = find_locked(c, kind, key, raw);
    pthread_mutex_unlock(&c->lock);
    return obj;
}

const void *tcpl_cache_put(tcpl_part_cache *c, int kind, const tcpl_part_key *key, char *raw,
                           void *obj, size_t bytes)
{
    size_t cost = bytes + (size_t)key->comp_size;
    pthread_mutex_lock(&c->lock);
    const void *shared = find_locked(c, kind, key, raw);
    if (shared) {
        free_obj(kind, obj);
        free(raw);
    } else if (c->entries.len < TCPL_MAX_CACHE_ENTRIES && cost <= c->max_bytes - c->bytes &&
               c->bytes <= c->max_bytes) {
        entry *e = tcpl_vec_push(&c->entries);
        if (e) {
            *e = (entry){kind, *key, raw, obj, bytes};
            c->bytes += cost;
            shared = obj;
        } else
            free(raw);
    } else
        free(raw);
    pthread_mutex_unlock(&c->lock);
    return shared;
}

size_t tcpl_cache_entries(tcpl_part_cache *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->entries.len;
    pthread_mutex_unlock(&c->lock);
    return n;
}
