/* Prefilters of exists/absent rules (`prefilter:` in a pack; docs/rules.md):
 * a cheap scan that says "the pattern cannot match this paragraph", so the
 * pattern is not searched there.  A prefilter only ever skips paragraphs
 * the pattern would not match: findings are the same with or without it.
 *
 * repeated-word: the pattern matches a word, whitespace, and the same word
 * again ignoring case (`(?<!\p{L})(W)\s++\1(?!\p{L})`).  PCRE2 tries such a
 * pattern at nearly every letter (most letters can start one of W's
 * caseless alternatives) and costs ~85 instructions per byte; this scan
 * looks only around whitespace and costs a few.
 *
 * It must say yes wherever the pattern matches, so every guess it makes
 * errs towards yes:
 *   - whitespace is exactly PCRE2's \s with PCRE2_UCP (\p{Zs}, \h, \v);
 *   - a "known letter" is an ASCII letter or a Vietnamese letter (Latin-1,
 *     the six Latin Extended-A/B letters Vietnamese uses, U+1EA0-1EF9):
 *     all \p{L}.  Any other non-ASCII code point may be a letter;
 *   - two code points are "the same ignoring case" when both are known
 *     with the same fold (lower case), or either is not known (k and s
 *     count as not known: KELVIN SIGN and LONG S are their caseless
 *     partners).
 * The word before the whitespace (G) is the last k code points before it,
 * preceded by no known letter; the word after (H) the next k, followed by
 * no known letter; any k up to the tokens' lengths.  tests/test_prefilter.c
 * checks these sets against PCRE2 itself, code point by code point. */
#include <stdint.h>
#include <string.h>

#include "base/re.h"
#include "rules/rules.h"

/* Longest word compared, in code points.  Past it the scan answers yes
 * (the pattern decides), so the work per whitespace run stays bounded
 * (at most PF_MAX_WORD^2 / 2 comparisons) whatever the paragraph. */
#define PF_MAX_WORD 32

#define PF_WILD 0xFFFFFFFFu

/* One code point of s[0..n) (n >= 1); *len its bytes.  Invalid or overlong
 * UTF-8 gives PF_WILD over one byte: PCRE2 (PCRE2_MATCH_INVALID_UTF)
 * matches nothing there, which this scan treats as "maybe a letter". */
static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    *len = 1;
    if (c < 0x80)
        return c;
    size_t k = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (!k || k > n)
        return PF_WILD;
    uint32_t u = c & (0x3Fu >> (k - 1));
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return PF_WILD;
        u = u << 6 | (s[i] & 0x3F);
    }
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (u < least[k] || u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
        return PF_WILD;
    *len = k;
    return u;
}

int rl_pf_space(uint32_t u)
{
    return (u >= 0x09 && u <= 0x0D) || u == 0x20 || u == 0x85 || u == 0xA0 || u == 0x1680 ||
           u == 0x180E || (u >= 0x2000 && u <= 0x200A) || u == 0x2028 || u == 0x2029 ||
           u == 0x202F || u == 0x205F || u == 0x3000;
}

uint32_t rl_pf_fold(uint32_t u)
{
    if (u < 0x80) {
        uint32_t l = u | 0x20;
        if (l < 'a' || l > 'z')
            return PF_WILD; /* not a letter: never compared as one */
        return l == 'k' || l == 's' ? PF_WILD : l;
    }
    if (u >= 0xC0 && u <= 0xDE && u != 0xD7)
        return u + 0x20;
    if (u >= 0xE0 && u <= 0xFE && u != 0xF7)
        return u;
    switch (u) {
    case 0x102: /* Ă ă */
    case 0x103:
        return 0x103;
    case 0x110: /* Đ đ */
    case 0x111:
        return 0x111;
    case 0x128: /* Ĩ ĩ */
    case 0x129:
        return 0x129;
    case 0x168: /* Ũ ũ */
    case 0x169:
        return 0x169;
    case 0x1A0: /* Ơ ơ */
    case 0x1A1:
        return 0x1A1;
    case 0x1AF: /* Ư ư */
    case 0x1B0:
        return 0x1B0;
    }
    if (u >= 0x1EA0 && u <= 0x1EF9) /* Ạ ạ ... Ỹ ỹ: upper even, lower odd */
        return u | 1;
    return PF_WILD;
}

int rl_pf_known_letter(uint32_t u)
{
    if (u < 0x80)
        return (u | 0x20) >= 'a' && (u | 0x20) <= 'z';
    return rl_pf_fold(u) != PF_WILD;
}

/* Could a and b (both maybe letters) be the same ignoring case? */
static int same(uint32_t a, uint32_t b)
{
    uint32_t x = rl_pf_fold(a), y = rl_pf_fold(b);
    return x == PF_WILD || y == PF_WILD || x == y;
}

/* A code point that may belong to a word: an ASCII letter, or any
 * non-ASCII code point that is not whitespace. */
static int wordish(uint32_t u)
{
    return u < 0x80 ? (u | 0x20) >= 'a' && (u | 0x20) <= 'z' : !rl_pf_space(u);
}

/* Whether the k code points before q (b[] holds up to PF_MAX_WORD + 1 of
 * them, nearest first, nb in all) and the k after r (a[], na) can be one
 * word twice. */
static int pair(const uint32_t *b, size_t nb, const uint32_t *a, size_t na, size_t k)
{
    if (k < nb && rl_pf_known_letter(b[k]))
        return 0; /* G would start inside a word */
    if (k < na && rl_pf_known_letter(a[k]))
        return 0; /* H would end inside a word */
    for (size_t i = 0; i < k; i++)
        if (!same(b[k - 1 - i], a[i]))
            return 0;
    return 1;
}

/* Whether the word before q and the one after r, with whitespace [q, r)
 * between, can be one word twice, for any length k: the words compared
 * code point by code point, up to PF_MAX_WORD (past it: yes). */
static int pair_any(const unsigned char *s, size_t n, size_t q, size_t r)
{
    uint32_t b[PF_MAX_WORD + 1], a[PF_MAX_WORD + 1];
    size_t nb = 0, wb = 0, bt = q, l;
    while (bt > 0 && nb <= PF_MAX_WORD) {
        size_t st = bt - 1, back = 0;
        while (st > 0 && back < 3 && (s[st] & 0xC0) == 0x80) {
            st--;
            back++;
        }
        uint32_t v = decode(s + st, bt - st, &l);
        if (st + l != bt) { /* not one character: the last byte alone */
            v = PF_WILD;
            st = bt - 1;
        }
        b[nb++] = v;
        bt = st;
        if (!wordish(v) || nb > PF_MAX_WORD)
            break;
        wb++;
    }
    size_t na = 0, wa = 0, at = r;
    while (at < n && na <= PF_MAX_WORD) {
        uint32_t v = decode(s + at, n - at, &l);
        a[na++] = v;
        at += l;
        if (!wordish(v) || na > PF_MAX_WORD)
            break;
        wa++;
    }
    if (wb >= PF_MAX_WORD && wa >= PF_MAX_WORD)
        return 1; /* longer than compared: let the pattern decide */
    size_t lim = wa < wb ? wa : wb;
    for (size_t k = 1; k <= lim; k++)
        if (pair(b, nb, a, na, k))
            return 1;
    return 0;
}

/* A word: a maximal run of word-ish code points. */
typedef struct pf_word {
    size_t start, end;        /* bytes */
    size_t n;                 /* code points */
    int known;                /* every code point a known letter */
    uint32_t f[PF_MAX_WORD]; /* the first PF_MAX_WORD folds */
} pf_word;

/* Two words with only whitespace between: can they be one word twice? */
static int twice(const unsigned char *s, size_t n, const pf_word *g, const pf_word *h)
{
    if (!g->known || !h->known)
        return pair_any(s, n, g->end, h->start);
    /* Both all known letters: the word before can only be all of g (a
     * shorter one would start after a letter), the word after all of h. */
    if (g->n != h->n)
        return 0;
    if (g->n > PF_MAX_WORD)
        return 1;
    for (size_t i = 0; i < g->n; i++)
        if (!(g->f[i] == h->f[i] || g->f[i] == PF_WILD || h->f[i] == PF_WILD))
            return 0;
    return 1;
}

int rl_pf_repeated_word(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = tcpl_re_subject_len(text, len); /* what the pattern searches */
    pf_word w[2];       /* the word being read, and the one before it */
    pf_word *cur = &w[0], *prev = &w[1];
    int in_word = 0;    /* cur is being read */
    int gap = 0;        /* prev is followed by whitespace only, up to here */
    size_t i = 0, l;
    while (i < n) {
        unsigned c = s[i];
        uint32_t u, f;
        int word, known;
        if (c < 0x80) { /* ASCII without a call */
            uint32_t lc = c | 0x20;
            u = c;
            l = 1;
            word = known = lc >= 'a' && lc <= 'z';
            f = lc == 'k' || lc == 's' ? PF_WILD : lc;
        } else {
            u = decode(s + i, n - i, &l);
            word = !rl_pf_space(u);
            f = rl_pf_fold(u);
            known = f != PF_WILD;
        }
        if (word) {
            if (!in_word) {
                in_word = 1;
                cur->start = i;
                cur->n = 0;
                cur->known = 1;
            }
            if (cur->n < PF_MAX_WORD)
                cur->f[cur->n] = f;
            cur->n++;
            cur->known &= known;
        } else {
            if (in_word) {
                in_word = 0;
                cur->end = i;
                if (gap && twice(s, n, prev, cur))
                    return 1;
                pf_word *t = prev;
                prev = cur;
                cur = t;
                gap = 1; /* prev ends here; whitespace may follow */
            }
            if (!rl_pf_space(u))
                gap = 0;
        }
        i += l;
    }
    if (in_word) {
        cur->end = n;
        if (gap && twice(s, n, prev, cur))
            return 1;
    }
    return 0;
}
