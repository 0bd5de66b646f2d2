#include "base/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void tcpl_vec_init(tcpl_vec *v, size_t elem)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->elem = elem;
}

int tcpl_vec_reserve(tcpl_vec *v, size_t n)
{
    if (n <= v->cap)
        return 0;
    size_t cap = v->cap ? v->cap : 16;
    while (cap < n) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    if (v->elem && cap > SIZE_MAX / v->elem)
        return -1;
    void *p = realloc(v->data, cap * v->elem);
    if (!p)
        return -1;
    v->data = p;
    v->cap = cap;
    return 0;
}

void *tcpl_vec_push(tcpl_vec *v)
{
    if (v->len == v->cap && tcpl_vec_reserve(v, v->len + 1) < 0)
        return NULL;
    char *slot = (char *)v->data + v->len * v->elem;
    memset(slot, 0, v->elem);
    v->len++;
    return slot;
}

void tcpl_vec_clear(tcpl_vec *v)
{
    v->len = 0;
}

void tcpl_vec_free(tcpl_vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

void *tcpl_vec_detach(tcpl_vec *v, size_t *len)
{
    void *p = v->data;
    if (len)
        *len = v->len;
    v->data = NULL;
    v->len = v->cap = 0;
    return p;
}
