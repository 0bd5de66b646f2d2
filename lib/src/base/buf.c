#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tcpl_buf_init(tcpl_buf *b)
{
    memset(b, 0, sizeof *b);
}

void tcpl_buf_free(tcpl_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void tcpl_buf_reset(tcpl_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
}

int tcpl_buf_reserve(tcpl_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > ((size_t)-1) / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int tcpl_buf_put(tcpl_buf *b, const void *p, size_t n)
{
    if (tcpl_buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int tcpl_buf_puts(tcpl_buf *b, const char *s)
{
    return tcpl_buf_put(b, s, strlen(s));
}

int tcpl_buf_putc(tcpl_buf *b, int c)
{
    char ch = (char)c;
    return tcpl_buf_put(b, &ch, 1);
}

int tcpl_buf_vprintf(tcpl_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || tcpl_buf_reserve(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int tcpl_buf_printf(tcpl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = tcpl_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

int tcpl_buf_put_utf8(tcpl_buf *b, unsigned cp)
{
    unsigned char s[4];
    size_t n;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        s[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (unsigned char)(0xC0 | (cp >> 6));
        s[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (unsigned char)(0xE0 | (cp >> 12));
        s[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (unsigned char)(0xF0 | (cp >> 18));
        s[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return tcpl_buf_put(b, s, n);
}

char *tcpl_buf_detach(tcpl_buf *b, size_t *len)
{
    if (b->failed) {
        tcpl_buf_free(b);
        return NULL;
    }
    if (!b->data && tcpl_buf_reserve(b, 0) < 0)
        return NULL;
    b->data[b->len] = 0;
    char *p = b->data;
    if (len)
        *len = b->len;
    memset(b, 0, sizeof *b);
    return p;
}
