#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "context.h"
#include "base/error.h"

void tcpl_error_clear(tcpl_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

static void copy(char *dst, size_t size, const char *src)
{
    if (!src) {
        dst[0] = 0;
        return;
    }
    size_t n = strlen(src);
    if (n >= size) {
        /* Keep the end of a long path: it names the file. Cut on a UTF-8 boundary. */
        const char *s = src + (n - (size - 4));
        while ((*s & 0xC0) == 0x80)
            s++;
        snprintf(dst, size, "...%s", s);
        return;
    }
    memcpy(dst, src, n + 1);
}

int tcpl_err(tcpl_error *err, int code, const char *id, const char *file, const char *where,
             const char *detail_fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->id = id;
    copy(err->file, sizeof err->file, file);
    copy(err->where, sizeof err->where, where);
    err->detail[0] = 0;
    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(err->detail, sizeof err->detail, detail_fmt, ap);
        va_end(ap);
        /* A cut may split a UTF-8 sequence: drop the partial tail. */
        size_t n = strlen(err->detail);
        size_t i = n;
        while (i > 0 && (err->detail[i - 1] & 0xC0) == 0x80)
            i--;
        if (i > 0 && (unsigned char)err->detail[i - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)err->detail[i - 1];
            size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (n - (i - 1) < want)
                err->detail[i - 1] = 0;
        }
    }
    return code;
}

int tcpl_error_format(const struct tcpl_ctx *ctx, const tcpl_error *err, char *out,
                      unsigned long size)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    const char *tmpl = err->id ? tcpl_msg(ctx, err->id) : "{detail}";
    if (err->file[0])
        tcpl_buf_printf(&b, "%s: ", err->file);
    /* Named placeholders only: a catalogue edited by a department can never
     * be a format string. */
    for (const char *p = tmpl; *p; p++) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (e) {
                size_t n = (size_t)(e - p - 1);
                const char *val = NULL;
                if (n == 6 && !strncmp(p + 1, "detail", 6))
                    val = err->detail;
                else if (n == 5 && !strncmp(p + 1, "where", 5))
                    val = err->where;
                else if (n == 4 && !strncmp(p + 1, "file", 4))
                    val = err->file;
                if (val) {
                    tcpl_buf_puts(&b, val);
                    p = e;
                    continue;
                }
            }
        }
        tcpl_buf_putc(&b, *p);
    }
    if (err->where[0] && !strstr(tmpl, "{where}"))
        tcpl_buf_printf(&b, " [%s]", err->where);
    int want = (int)b.len;
    if (size) {
        size_t n = b.len < size - 1 ? b.len : size - 1;
        while (n > 0 && n < b.len && (b.data[n] & 0xC0) == 0x80)
            n--;
        if (b.data)
            memcpy(out, b.data, n);
        out[n] = 0;
    }
    tcpl_buf_free(&b);
    return want;
}

void tcpl_msg_subst(tcpl_buf *b, const char *tmpl, const char *detail)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p == '{' && !strncmp(p, "{detail}", 8)) {
            tcpl_buf_puts(b, detail ? detail : "");
            p += 7;
            continue;
        }
        tcpl_buf_putc(b, *p);
    }
}

const char *tcpl_status_name(int status)
{
    switch (status) {
    case TCPL_ERR_USAGE:
        return "usage";
    case TCPL_ERR_IO:
        return "io";
    case TCPL_ERR_FORMAT:
        return "format";
    case TCPL_ERR_LIMIT:
        return "limit";
    case TCPL_ERR_NOMEM:
        return "nomem";
    case TCPL_ERR_DATA:
        return "data";
    default:
        return "internal";
    }
}
