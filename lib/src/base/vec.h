#ifndef TCPL_VEC_H
#define TCPL_VEC_H
#include <stddef.h>

/* The one growable array: elements of one size, grown by doubling (so a
 * push is amortised O(1) and growth never copies more than doubling
 * requires), sizes checked against overflow.  Typed access through the
 * macros; the memory is the vector's until tcpl_vec_detach or _free.
 *
 *     tcpl_vec v = TCPL_VEC_INIT(line);
 *     line *l = tcpl_vec_push(&v);        NULL: out of memory
 *     ... TCPL_VEC_AT(&v, line, i) ...
 *     tcpl_vec_free(&v);
 */
typedef struct tcpl_vec {
    void *data;
    size_t len, cap; /* in elements */
    size_t elem;     /* element size in bytes */
} tcpl_vec;

#define TCPL_VEC_INIT(type)                                                                        \
    {                                                                                              \
        NULL, 0, 0, sizeof(type)                                                                   \
    }
#define TCPL_VEC_AT(v, type, i) (((type *)(v)->data)[i])
#define TCPL_VEC_DATA(v, type) ((type *)(v)->data)

void tcpl_vec_init(tcpl_vec *v, size_t elem);
/* Room for at least n elements in all; 0 or -1 on overflow / no memory. */
int tcpl_vec_reserve(tcpl_vec *v, size_t n);
/* A new zeroed element at the end, or NULL (out of memory; v unchanged). */
void *tcpl_vec_push(tcpl_vec *v);
/* len = 0, keeps the memory for reuse. */
void tcpl_vec_clear(tcpl_vec *v);
void tcpl_vec_free(tcpl_vec *v);
/* Hands the array to the caller (free()); the vector is emptied. */
void *tcpl_vec_detach(tcpl_vec *v, size_t *len);

#endif
