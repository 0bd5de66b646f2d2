/* The records of a batch's inputs and the spill file their strings wait in
 * (docs/batch.md, "Memory"): a run holds one record per input until the
 * summary is written, so a record keeps only what cannot wait on disk (its
 * path, status, counts, hash, indexes); the strings every output shows
 * (result name, note, unit, kind, number, date) are appended to an unlinked
 * temporary file as each input is settled and read back at the end, in
 * path order, through one window of BSPILL_WINDOW bytes. */
#define _XOPEN_SOURCE 700 /* mkstemp, pread */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "batch/internal.h"

/* Frees the strings of the first life. */
static void free_unsettled(brec *r)
{
    free(r->note);
    free(r->meta);
    free(r->skip_detail);
    free(r->converted);
    r->note = r->meta = r->skip_detail = r->converted = NULL;
}

void brec_free(brec *r)
{
    if (r->shown != r->path)
        free(r->shown);
    free(r->path);
    free(r->result);
    r->path = r->shown = r->result = NULL;
    if (!r->settled)
        free_unsettled(r);
}

static size_t held_str(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* The packed strings: each a tag byte (0 absent, 1 present), then the
 * bytes and a NUL when present. */
static void pack(tcpl_buf *b, const char *s)
{
    tcpl_buf_putc(b, s ? 1 : 0);
    if (s)
        tcpl_buf_put(b, s, strlen(s) + 1);
}

/* The next packed string of [*p, end): *out (NULL when absent); -1 when
 * the bytes are not packed strings. */
static int unpack(const char **p, const char *end, const char **out)
{
    if (*p >= end || (**p != 0 && **p != 1))
        return -1;
    int present = **p;
    (*p)++;
    *out = NULL;
    if (!present)
        return 0;
    const char *nul = memchr(*p, 0, (size_t)(end - *p));
    if (!nul)
        return -1;
    *out = *p;
    *p = nul + 1;
    return 0;
}

/* The length of a packed block of k strings starting at p (well-formed:
 * made by pack). */
static size_t packed_len(const char *p, int k)
{
    const char *s = p;
    for (int i = 0; i < k; i++)
        s += *s ? strlen(s + 1) + 2 : 1;
    return (size_t)(s - p);
}

size_t brec_held(const brec *r)
{
    size_t n = sizeof *r + held_str(r->path) + held_str(r->result);
    if (r->shown != r->path)
        n += held_str(r->shown);
    if (!r->settled) {
        n += held_str(r->note) + held_str(r->skip_detail) + held_str(r->converted);
        if (r->meta)
            n += packed_len(r->meta, 4);
    }
    return n;
}

int brec_set_meta(brec *r, const char *unit, const char *kind, const char *number,
                  const char *date)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    pack(&b, unit);
    pack(&b, kind);
    pack(&b, number);
    pack(&b, date);
    free(r->meta);
    r->meta = tcpl_buf_ok(&b) ? tcpl_buf_detach(&b, NULL) : NULL;
    tcpl_buf_free(&b);
    return r->meta ? 0 : -1;
}

void bspill_init(bspill *s)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    tcpl_buf_init(&s->out);
    tcpl_buf_init(&s->win);
}

int bspill_open(bspill *s, const char *dir, tcpl_error *err)
{
    bspill_init(s);
    tcpl_buf p;
    tcpl_buf_init(&p);
    tcpl_buf_printf(&p, "%s/" BATCH_TMP_PREFIX "spill-XXXXXX", dir);
    if (!tcpl_buf_ok(&p)) {
        tcpl_buf_free(&p);
        return TCPL_NOMEM(err, dir);
    }
    s->fd = mkstemp(p.data);
    if (s->fd < 0) {
        int rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", p.data, NULL, "%s", strerror(errno));
        tcpl_buf_free(&p);
        return rc;
    }
    /* Unlinked at once: nothing is left behind, even by kill -9 (and a
     * killed run's leftover between the two calls is swept as a
     * temporary). */
    unlink(p.data);
    tcpl_buf_free(&p);
    pthread_mutex_init(&s->mu, NULL);
    return 0;
}

void bspill_close(bspill *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        pthread_mutex_destroy(&s->mu);
    }
    s->fd = -1;
    tcpl_buf_free(&s->out);
    tcpl_buf_free(&s->win);
}

/* Writes what is pending; called with mu held (or from one thread). */
static int spill_flush(bspill *s)
{
    size_t done = 0;
    while (!s->failed && done < s->out.len) {
        ssize_t w = write(s->fd, s->out.data + done, s->out.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            s->failed = w < 0 ? errno : EIO;
        else
            done += (size_t)w;
    }
    tcpl_buf_reset(&s->out);
    return s->failed ? -1 : 0;
}

int brec_settle(bspill *s, brec *r, int keep_result, tcpl_error *err)
{
    if (r->settled)
        return 0;
    /* The record: its length (4 bytes, little-endian), then the strings. */
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_put(&b, "\0\0\0\0", 4);
    pack(&b, r->result);
    pack(&b, r->note);
    if (r->meta)
        tcpl_buf_put(&b, r->meta, packed_len(r->meta, 4));
    else
        tcpl_buf_put(&b, "\0\0\0\0", 4);
    if (!tcpl_buf_ok(&b) || b.len - 4 > UINT32_MAX) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, r->path);
    }
    uint32_t n = (uint32_t)(b.len - 4);
    for (int i = 0; i < 4; i++)
        b.data[i] = (char)((n >> (8 * i)) & 0xff);
    pthread_mutex_lock(&s->mu);
    int rc = 0;
    if (tcpl_buf_put(&s->out, b.data, b.len) < 0)
        rc = TCPL_NOMEM(err, r->path);
    else if (s->out.len >= BSPILL_WINDOW && spill_flush(s) < 0)
        rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", r->path, NULL, "%s", strerror(s->failed));
    uint64_t at = s->size;
    if (rc == 0)
        s->size += b.len;
    pthread_mutex_unlock(&s->mu);
    tcpl_buf_free(&b);
    if (rc < 0)
        return rc;
    if (!keep_result) {
        free(r->result);
        r->result = NULL;
    }
    free_unsettled(r); /* then the same bytes take the second life */
    r->settled = 1;
    r->spill = at;
    r->roster = -1;
    r->dup_of = -1;
    return 0;
}

/* Makes [off, off + n) of the spill readable in s->win; its start, or NULL
 * (errno). */
static const char *spill_at(bspill *s, uint64_t off, size_t n)
{
    if (s->out.len && spill_flush(s) < 0) {
        errno = s->failed;
        return NULL;
    }
    if (off >= s->win_off && off + n <= s->win_off + s->win.len)
        return s->win.data + (off - s->win_off);
    size_t want = n > BSPILL_WINDOW ? n : BSPILL_WINDOW;
    tcpl_buf_reset(&s->win);
    s->win_off = off;
    if (tcpl_buf_reserve(&s->win, want) < 0) {
        errno = ENOMEM;
        return NULL;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t k = pread(s->fd, s->win.data + got, want - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    s->win.len = got;
    if (got < n) {
        s->win.len = 0;
        errno = EIO;
        return NULL;
    }
    return s->win.data;
}

int brec_view(bview *v, bspill *s, const brec *r, tcpl_error *err)
{
    memset(v, 0, sizeof *v);
    v->result = r->result;
    if (!r->settled) {
        v->note = r->note;
        const char *p = r->meta;
        if (p) {
            const char *end = p + packed_len(p, 4);
            unpack(&p, end, &v->unit);
            unpack(&p, end, &v->kind);
            unpack(&p, end, &v->number);
            unpack(&p, end, &v->date);
        }
        return 0;
    }
    const unsigned char *h = (const unsigned char *)spill_at(s, r->spill, 4);
    uint32_t n = 0;
    if (h)
        n = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
    const char *p = h ? spill_at(s, r->spill, 4 + (size_t)n) : NULL;
    if (!p)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s",
                        h ? strerror(errno) : "spill");
    const char *end = p + 4 + n, *result = NULL;
    p += 4;
    if (unpack(&p, end, &result) < 0 || unpack(&p, end, &v->note) < 0 ||
        unpack(&p, end, &v->unit) < 0 || unpack(&p, end, &v->kind) < 0 ||
        unpack(&p, end, &v->number) < 0 || unpack(&p, end, &v->date) < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_read", r->shown, NULL, "%s", "spill");
    if (!v->result)
        v->result = result;
    return 0;
}
