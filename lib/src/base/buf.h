#ifndef TCPL_BUF_H
#define TCPL_BUF_H
#include <stdarg.h>
#include <stddef.h>

/* The one growable byte buffer used everywhere.  Always NUL-terminated once
 * anything was put.  A failed allocation makes every later put fail too, so
 * callers may check once at the end (tcpl_buf_ok). */
typedef struct tcpl_buf {
    char *data;
    size_t len, cap;
    int failed;
} tcpl_buf;

void tcpl_buf_init(tcpl_buf *b);
void tcpl_buf_free(tcpl_buf *b);
void tcpl_buf_reset(tcpl_buf *b); /* len = 0, keeps memory */
int tcpl_buf_reserve(tcpl_buf *b, size_t extra);
int tcpl_buf_put(tcpl_buf *b, const void *p, size_t n);
int tcpl_buf_puts(tcpl_buf *b, const char *s);
int tcpl_buf_putc(tcpl_buf *b, int c);
int tcpl_buf_printf(tcpl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tcpl_buf_vprintf(tcpl_buf *b, const char *fmt, va_list ap);
/* Appends code point cp as UTF-8. */
int tcpl_buf_put_utf8(tcpl_buf *b, unsigned cp);
static inline int tcpl_buf_ok(const tcpl_buf *b)
{
    return !b->failed;
}
/* Hands the memory to the caller (free()); the buffer is reset. Never NULL
 * unless allocation failed. */
char *tcpl_buf_detach(tcpl_buf *b, size_t *len);

#endif
