#include "base/re.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

struct tcpl_re_lazy {
    _Atomic(pcre2_code *) jit; /* published once, never changed after */
    atomic_ullong bytes;       /* subject bytes searched by the interpreter */
    atomic_int started;        /* a thread has taken on the JIT compile */
};

static int compile(tcpl_re *re, const char *pattern, unsigned flags, int jit, const char *file,
                   int line, tcpl_error *err)
{
    int code;
    PCRE2_SIZE off;
    re->lazy = NULL;
    re->code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | flags, &code, &off, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        char where[64];
        snprintf(where, sizeof where, "line %d", line);
        return tcpl_err(err, TCPL_ERR_DATA, "err.data_invalid", file, where,
                        "pattern: %s at offset %zu", (const char *)msg, (size_t)off);
    }
    /* JIT is an optimisation: a platform without it still matches. */
    if (jit)
        pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    return 0;
}

int tcpl_re_compile(tcpl_re *re, const char *pattern, unsigned flags, const char *file, int line,
                    tcpl_error *err)
{
    return compile(re, pattern, flags, 1, file, line, err);
}

int tcpl_re_compile_nojit(tcpl_re *re, const char *pattern, unsigned flags, const char *file,
                          int line, tcpl_error *err)
{
    return compile(re, pattern, flags, 0, file, line, err);
}

int tcpl_re_compile_lazy(tcpl_re *re, const char *pattern, unsigned flags, const char *file,
                         int line, tcpl_error *err)
{
    int rc = compile(re, pattern, flags, 0, file, line, err);
    if (rc < 0)
        return rc;
    re->lazy = malloc(sizeof *re->lazy);
    if (!re->lazy) {
        tcpl_re_free(re);
        return TCPL_NOMEM(err, file);
    }
    atomic_init(&re->lazy->jit, NULL);
    atomic_init(&re->lazy->bytes, 0);
    atomic_init(&re->lazy->started, 0);
    return 0;
}

void tcpl_re_free(tcpl_re *re)
{
    if (!re)
        return;
    if (re->code)
        pcre2_code_free(re->code);
    if (re->lazy) {
        pcre2_code *jit = atomic_load(&re->lazy->jit);
        if (jit)
            pcre2_code_free(jit);
        free(re->lazy);
    }
    re->code = NULL;
    re->lazy = NULL;
}

int tcpl_re_is_jit(const tcpl_re *re)
{
    const pcre2_code *code = re->code;
    if (re->lazy)
        code = atomic_load_explicit(&re->lazy->jit, memory_order_acquire);
    size_t size = 0;
    return code && pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0;
}

/* The code to match with: the JIT copy once there is one; the interpreted
 * pattern until then, counting what it searches.  The thread that passes
 * the mark compiles a copy (pcre2_jit_compile writes to the code, which
 * other threads are reading) and publishes it; a failed compile leaves the
 * interpreter in use. */
static const pcre2_code *lazy_code(const tcpl_re *re, size_t bytes)
{
    struct tcpl_re_lazy *lz = re->lazy;
    pcre2_code *jit = atomic_load_explicit(&lz->jit, memory_order_acquire);
    if (jit)
        return jit;
    if (atomic_fetch_add_explicit(&lz->bytes, bytes, memory_order_relaxed) + bytes <
            TCPL_RE_LAZY_JIT_BYTES ||
        atomic_exchange_explicit(&lz->started, 1, memory_order_relaxed))
        return re->code;
    pcre2_code *copy = pcre2_code_copy(re->code);
    if (!copy)
        return re->code;
    if (pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(copy);
        return re->code;
    }
    atomic_store_explicit(&lz->jit, copy, memory_order_release);
    return copy;
}

int tcpl_match_init(tcpl_match *m, size_t pairs)
{
    m->md = pcre2_match_data_create((uint32_t)(pairs ? pairs : 16), NULL);
    m->mc = pcre2_match_context_create(NULL);
    if (!m->md || !m->mc) {
        tcpl_match_free(m);
        return TCPL_ERR_NOMEM;
    }
    pcre2_set_match_limit(m->mc, TCPL_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mc, TCPL_RE_DEPTH_LIMIT);
    pcre2_set_heap_limit(m->mc, TCPL_RE_HEAP_LIMIT);
    m->calls = 0;
    m->bytes = 0;
    return 0;
}

void tcpl_match_free(tcpl_match *m)
{
    if (m->md)
        pcre2_match_data_free(m->md);
    if (m->mc)
        pcre2_match_context_free(m->mc);
    m->md = NULL;
    m->mc = NULL;
}

size_t tcpl_re_subject_len(const char *s, size_t len)
{
    if (len <= TCPL_RE_SUBJECT_MAX)
        return len;
    size_t cut = TCPL_RE_SUBJECT_MAX;
    /* back over continuation bytes (at most 3 in valid UTF-8) */
    for (int k = 0; k < 3 && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80; k++)
        cut--;
    return cut;
}

int tcpl_re_find(const tcpl_re *re, tcpl_match *m, const char *subject, size_t len, size_t start)
{
    size_t n = tcpl_re_subject_len(subject, len);
    if (start > n || (start == n && n < len))
        return 0;
    /* A cut subject: a match reaching the cut might go on past it. */
    uint32_t opts = n < len ? PCRE2_PARTIAL_HARD : 0;
    m->calls++;
    m->bytes += n - start;
    const pcre2_code *code = re->lazy ? lazy_code(re, n - start) : re->code;
    int rc = pcre2_match(code, (PCRE2_SPTR)subject, n, start, opts, m->md, m->mc);
    if (rc >= 0)
        return 1;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
    case PCRE2_ERROR_PARTIAL:
        return 0;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
        return TCPL_ERR_LIMIT;
    case PCRE2_ERROR_NOMEMORY:
        return TCPL_ERR_NOMEM;
    default:
        return TCPL_ERR_INTERNAL;
    }
}

int tcpl_match_group(const tcpl_match *m, int g, size_t *s, size_t *e)
{
    if (g < 0 || (uint32_t)g >= pcre2_get_ovector_count(m->md))
        return -1;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    if (ov[2 * g] == PCRE2_UNSET) {
        *s = *e = (size_t)-1;
        return -1;
    }
    *s = ov[2 * g];
    *e = ov[2 * g + 1];
    return 0;
}

int tcpl_re_group_number(const tcpl_re *re, const char *name)
{
    int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
    return n < 0 ? -1 : n;
}
