/* Spelling support for the spelling rules: the hunspell dictionary, and the
 * compound and confusion tables of checks/spelling.yaml, indexed by their
 * mark-free form.  A Hunhandle is not documented as safe to share, so each
 * document being checked takes a slot (its own handle and the words that
 * handle has answered) from a small pool and gives it back: threads never
 * wait on each other's lookups, and a word is asked of hunspell once per
 * slot, not once per document. */
#include <hunspell.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "rules/spell.h"

#define SPELLING_FILE "spelling.yaml"
/* Where Debian's hunspell-vi puts the dictionary. */
#define TCPL_HUNSPELL_DIR "/usr/share/hunspell"

/* Letters below this code point (Latin, Vietnamese in U+1EA0..U+1EF9) are
 * folded through tables made once: a word is folded in one pass without
 * allocating. */
#define SPELL_TABLE 0x2000
/* Words remembered per slot (open addressing, filled to half): Vietnamese
 * has about 7,000 syllables in use, a plan a few thousand distinct words;
 * past that words are looked up each time.  Bounds a slot's memory (the
 * table, 16,384 x 24 bytes, and at most 8,192 words with suggestions). */
#define SPELL_CACHE 16384

/* Wrong words one document reports (open addressing, filled to half: 4,096
 * words), apart from the cache above so that "each wrong word once per
 * document" holds however full the cache is.  Above the findings a document
 * may hold (2,000, rules/findings.c): once it is full, a new wrong word is
 * not reported (the document has reported 4,096 already). */
#define SPELL_REPORTED 8192

typedef struct spell_known {
    const char *word;       /* NULL: empty */
    const char *suggestion; /* wrong words: the first suggestion ("" none) */
    unsigned char right;
} spell_known;

/* A word reported during one take: valid when use is the slot's use, so
 * the table is reused from one document to the next without clearing. */
typedef struct spell_said {
    unsigned use;
    uint32_t off; /* the word in the slot's said_words */
} spell_said;

struct spell_slot {
    spell_slot *next; /* in the pool's free list */
    Hunhandle *hun;
    spell_known *known; /* SPELL_CACHE entries */
    size_t nknown;
    unsigned use;     /* counts takes: "reported in this document" */
    size_t asked;     /* words asked of hunspell */
    tcpl_arena arena; /* the words and suggestions */
    spell_said *said; /* SPELL_REPORTED entries: reported in this take */
    size_t nsaid;
    tcpl_buf said_words; /* their words, each ending in NUL; emptied per take */
};

struct tcpl_spell {
    utf8proc_int32_t lower[SPELL_TABLE]; /* lower case */
    utf8proc_int32_t bare[SPELL_TABLE];  /* lower case without any mark, đ as d */
    int has_dictionary;                  /* 0: hunspell-vi is not installed */
    pthread_mutex_t lock;                /* the pool below */
    spell_slot *free_slots;
    tcpl_arena arena;
    spell_entry *compounds; /* sorted by base */
    size_t ncompounds;
    spell_entry *confusions; /* sorted by base (here: the casefolded wrong form) */
    size_t nconfusions;
    /* Hash indexes of the two tables (entry + 1, 0 empty; twice the
     * entries, a power of two): every word of a document is looked up in
     * both, a hash finds it in about one comparison where a binary search
     * takes a dozen.  Each key maps to the entry bsearch would return. */
    uint32_t *compound_idx, *confusion_idx;
    size_t compound_cap, confusion_cap;
    /* The last words of the confusions (after their last space), sorted,
     * indexed the same way: a word that ends none of them ends no phrase
     * worth looking up (spell_confusion_ends). */
    spell_entry *tails;
    size_t ntails;
    uint32_t *tail_idx;
    size_t tail_cap;
    const char **accepted; /* sorted */
    size_t naccepted;
    const char **units; /* unit names as checks/units.yaml writes them */
    size_t nunits;
};

/* Vietnamese tone marks (combining, after NFD). */
static int is_tone(utf8proc_int32_t c)
{
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

int spell_shape(const char *s, size_t n, char *shape, size_t size, int *tone)
{
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &d,
                                      UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
    if (k < 0)
        return -1;
    size_t o = 0;
    *tone = 0;
    for (utf8proc_ssize_t i = 0; i < k;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l = utf8proc_iterate(d + i, k - i, &c);
        if (l <= 0)
            break;
        if (is_tone(c))
            *tone = (int)c;
        else if (o + (size_t)l < size) {
            memcpy(shape + o, d + i, (size_t)l);
            o += (size_t)l;
        }
        i += l;
    }
    shape[o] = 0;
    free(d);
    /* recompose the shape (ô, ư, ơ, â, ă, ê) */
    utf8proc_uint8_t *c2 = NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)shape, 0, &c2,
                     UTF8PROC_NULLTERM | UTF8PROC_COMPOSE) < 0)
        return -1;
    size_t cl = strlen((char *)c2);
    if (cl >= size)
        cl = size - 1;
    memcpy(shape, c2, cl);
    shape[cl] = 0;
    free(c2);
    return 0;
}

int spell_base_to(const char *s, size_t n, char *out, size_t size)
{
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &d,
                                      UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    if (k < 0)
        return -1;
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < k && o + 1 < size; i++) {
        if (d[i] == 0xC4 && i + 1 < k && d[i + 1] == 0x91) { /* đ */
            out[o++] = 'd';
            i++;
        } else {
            out[o++] = (char)d[i];
        }
    }
    out[o] = 0;
    free(d);
    return 0;
}

/* Casefolded, without any mark, đ as d: two spellings one mark apart meet. */
char *spell_base(tcpl_arena *a, const char *s, size_t n)
{
    utf8proc_uint8_t *d = NULL;
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &d,
                                      UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    if (k < 0)
        return NULL;
    tcpl_buf b;
    tcpl_buf_init(&b);
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        if (d[i] == 0xC4 && i + 1 < k && d[i + 1] == 0x91) { /* đ */
            tcpl_buf_putc(&b, 'd');
            i++;
        } else {
            tcpl_buf_putc(&b, d[i]);
        }
    }
    free(d);
    char *r = tcpl_arena_strndup(a, b.data ? b.data : "", b.len);
    tcpl_buf_free(&b);
    return r;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const spell_entry *)a)->base, ((const spell_entry *)b)->base);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t fnv(const char *w)
{
    uint64_t h = 1469598103934665603u;
    for (; *w; w++)
        h = (h ^ (unsigned char)*w) * 1099511628211u;
    return h;
}

/* The hash index of a sorted table; 0, or -1 when memory is out. */
static int index_table(tcpl_arena *a, const spell_entry *t, size_t n, uint32_t **idx, size_t *cap)
{
    size_t c = 16;
    while (c < 2 * n)
        c *= 2;
    *idx = tcpl_arena_alloc(a, c * sizeof **idx);
    if (!*idx)
        return -1;
    *cap = c;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(t[i].base, t[i - 1].base))
            continue; /* one slot per key */
        const spell_entry *e = bsearch(&t[i], t, n, sizeof *t, cmp_entry);
        size_t k = (size_t)fnv(t[i].base) & (c - 1);
        while ((*idx)[k])
            k = (k + 1) & (c - 1);
        (*idx)[k] = (uint32_t)(e - t) + 1;
    }
    return 0;
}

static const spell_entry *find(const spell_entry *t, const uint32_t *idx, size_t cap,
                               const char *key)
{
    if (!idx)
        return NULL;
    for (size_t k = (size_t)fnv(key) & (cap - 1);; k = (k + 1) & (cap - 1)) {
        if (!idx[k])
            return NULL;
        if (!strcmp(t[idx[k] - 1].base, key))
            return &t[idx[k] - 1];
    }
}

static int load_tables(tcpl_spell *sp, const tcpl_ctx *ctx, tcpl_error *err)
{
    tcpl_yaml y;
    int rc = tcpl_yaml_load(&y, ctx, SPELLING_FILE, err);
    if (rc < 0)
        return rc;
    yaml_node_t *root = tcpl_yaml_root(&y);
    yaml_node_t *cs = tcpl_yaml_get(&y, root, "compounds");
    yaml_node_t *cf = tcpl_yaml_get(&y, root, "confusions");
    yaml_node_t *ac = tcpl_yaml_get(&y, root, "accepted");
    size_t nc = tcpl_yaml_len(cs), nf = tcpl_yaml_map_len(cf), na = tcpl_yaml_len(ac);
    sp->compounds = tcpl_arena_alloc(&sp->arena, (nc ? nc : 1) * sizeof *sp->compounds);
    sp->confusions = tcpl_arena_alloc(&sp->arena, (nf ? nf : 1) * sizeof *sp->confusions);
    sp->accepted = tcpl_arena_alloc(&sp->arena, (na ? na : 1) * sizeof *sp->accepted);
    if (!sp->compounds || !sp->confusions || !sp->accepted) {
        rc = TCPL_NOMEM(err, SPELLING_FILE);
        goto out;
    }
    for (size_t i = 0; i < nc; i++) {
        const char *w = tcpl_yaml_str(tcpl_yaml_item(&y, cs, i));
        if (!w)
            continue;
        spell_entry *e = &sp->compounds[sp->ncompounds];
        e->right = tcpl_arena_strdup(&sp->arena, w);
        e->base = spell_base(&sp->arena, w, strlen(w));
        if (!e->right || !e->base) {
            rc = TCPL_NOMEM(err, SPELLING_FILE);
            goto out;
        }
        sp->ncompounds++;
    }
    for (size_t i = 0; i < nf; i++) {
        const char *w = tcpl_yaml_str(tcpl_yaml_map_key(&y, cf, i));
        const char *r = tcpl_yaml_str(tcpl_yaml_map_value(&y, cf, i));
        if (!w || !r)
            continue;
        spell_entry *e = &sp->confusions[sp->nconfusions];
        utf8proc_uint8_t *f = NULL;
        if (utf8proc_map((const utf8proc_uint8_t *)w, 0, &f,
                         UTF8PROC_NULLTERM | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0) {
            rc = TCPL_NOMEM(err, SPELLING_FILE);
            goto out;
        }
        e->base = tcpl_arena_strdup(&sp->arena, (char *)f);
        free(f);
        e->right = tcpl_arena_strdup(&sp->arena, r);
        if (!e->right || !e->base) {
            rc = TCPL_NOMEM(err, SPELLING_FILE);
            goto out;
        }
        sp->nconfusions++;
    }
    for (size_t i = 0; i < na; i++) {
        const char *w = tcpl_yaml_str(tcpl_yaml_item(&y, ac, i));
        if (w && (sp->accepted[sp->naccepted] = tcpl_arena_strdup(&sp->arena, w)))
            sp->naccepted++;
    }
    tcpl_yaml_free(&y);
    /* Unit names, written right: the canonical names and protected phrases. */
    if ((rc = tcpl_yaml_load(&y, ctx, "units.yaml", err)) < 0)
        return rc;
    root = tcpl_yaml_root(&y);
    yaml_node_t *al = tcpl_yaml_get(&y, root, "aliases");
    yaml_node_t *pr = tcpl_yaml_get(&y, root, "protected");
    size_t nu = tcpl_yaml_len(al) + tcpl_yaml_len(pr);
    sp->units = tcpl_arena_alloc(&sp->arena, (nu ? nu : 1) * sizeof *sp->units);
    if (!sp->units) {
        rc = TCPL_NOMEM(err, "units.yaml");
        goto out;
    }
    for (size_t i = 0; i < tcpl_yaml_len(al); i++) {
        const char *w = tcpl_yaml_str(tcpl_yaml_get(&y, tcpl_yaml_item(&y, al, i), "canonical"));
        if (w && (sp->units[sp->nunits] = tcpl_arena_strdup(&sp->arena, w)))
            sp->nunits++;
    }
    for (size_t i = 0; i < tcpl_yaml_len(pr); i++) {
        const char *w = tcpl_yaml_str(tcpl_yaml_item(&y, pr, i));
        /* lower-case phrases ("các cơ quan ...") say nothing about capitals */
        if (w && (unsigned char)w[0] >= 'A' && !(w[0] >= 'a' && w[0] <= 'z') &&
            (sp->units[sp->nunits] = tcpl_arena_strdup(&sp->arena, w)))
            sp->nunits++;
    }
    qsort(sp->compounds, sp->ncompounds, sizeof *sp->compounds, cmp_entry);
    qsort(sp->confusions, sp->nconfusions, sizeof *sp->confusions, cmp_entry);
    qsort(sp->accepted, sp->naccepted, sizeof *sp->accepted, cmp_str);
    if (index_table(&sp->arena, sp->compounds, sp->ncompounds, &sp->compound_idx,
                    &sp->compound_cap) < 0 ||
        index_table(&sp->arena, sp->confusions, sp->nconfusions, &sp->confusion_idx,
                    &sp->confusion_cap) < 0) {
        rc = TCPL_NOMEM(err, SPELLING_FILE);
        goto out;
    }
    sp->tails = tcpl_arena_alloc(&sp->arena, (sp->nconfusions ? sp->nconfusions : 1) *
                                                 sizeof *sp->tails);
    if (!sp->tails) {
        rc = TCPL_NOMEM(err, SPELLING_FILE);
        goto out;
    }
    for (size_t i = 0; i < sp->nconfusions; i++) {
        const char *b = sp->confusions[i].base, *last = strrchr(b, ' ');
        sp->tails[sp->ntails++] = (spell_entry){last ? last + 1 : b, NULL};
    }
    qsort(sp->tails, sp->ntails, sizeof *sp->tails, cmp_entry);
    if (index_table(&sp->arena, sp->tails, sp->ntails, &sp->tail_idx, &sp->tail_cap) < 0)
        rc = TCPL_NOMEM(err, SPELLING_FILE);
out:
    tcpl_yaml_free(&y);
    return rc;
}

#define SPELL_AFF TCPL_HUNSPELL_DIR "/vi_VN.aff"
#define SPELL_DIC TCPL_HUNSPELL_DIR "/vi_VN.dic"

static void slot_free(spell_slot *s)
{
    if (!s)
        return;
    if (s->hun)
        Hunspell_destroy(s->hun);
    free(s->known);
    free(s->said);
    tcpl_buf_free(&s->said_words);
    tcpl_arena_free(&s->arena);
    free(s);
}

/* A slot with its own handle; s->hun is NULL when the dictionary does not
 * load.  NULL when memory is out. */
static spell_slot *slot_new(void)
{
    spell_slot *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    tcpl_arena_init(&s->arena);
    tcpl_buf_init(&s->said_words);
    s->known = calloc(SPELL_CACHE, sizeof *s->known);
    s->said = calloc(SPELL_REPORTED, sizeof *s->said);
    if (!s->known || !s->said) {
        slot_free(s);
        return NULL;
    }
    s->hun = Hunspell_create(SPELL_AFF, SPELL_DIC);
    return s;
}

spell_slot *spell_take(tcpl_spell *sp)
{
    if (!sp->has_dictionary)
        return NULL;
    pthread_mutex_lock(&sp->lock);
    spell_slot *s = sp->free_slots;
    if (s)
        sp->free_slots = s->next;
    pthread_mutex_unlock(&sp->lock);
    if (!s) { /* one more document at a time than ever before */
        s = slot_new();
        if (s && !s->hun) {
            slot_free(s);
            s = NULL;
        }
    }
    if (s) {
        if (++s->use == 0) { /* after 2^32 takes: stale stamps would match */
            memset(s->said, 0, SPELL_REPORTED * sizeof *s->said);
            s->use = 1;
        }
        s->nsaid = 0;
        tcpl_buf_reset(&s->said_words);
    }
    return s;
}

void spell_give(tcpl_spell *sp, spell_slot *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&sp->lock);
    s->next = sp->free_slots;
    sp->free_slots = s;
    pthread_mutex_unlock(&sp->lock);
}

size_t spell_asked(tcpl_spell *sp)
{
    size_t n = 0;
    pthread_mutex_lock(&sp->lock);
    for (const spell_slot *s = sp->free_slots; s; s = s->next)
        n += s->asked;
    pthread_mutex_unlock(&sp->lock);
    return n;
}

int spell_new(tcpl_spell **out, const tcpl_ctx *ctx, tcpl_error *err)
{
    *out = NULL;
    tcpl_spell *sp = calloc(1, sizeof *sp);
    if (!sp)
        return TCPL_NOMEM(err, NULL);
    tcpl_arena_init(&sp->arena);
    pthread_mutex_init(&sp->lock, NULL);
    for (utf8proc_int32_t c = 0; c < SPELL_TABLE; c++) {
        sp->lower[c] = utf8proc_tolower(c);
        utf8proc_int32_t d[8];
        int last;
        utf8proc_ssize_t k = utf8proc_decompose_char(
            sp->lower[c], d, 8, UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &last);
        sp->bare[c] = k >= 1 ? d[0] : sp->lower[c];
        if (sp->bare[c] == 0x111) /* đ */
            sp->bare[c] = 'd';
    }
    int rc = load_tables(sp, ctx, err);
    if (rc < 0) {
        spell_free(sp);
        return rc;
    }
    struct stat st;
    if (stat(SPELL_AFF, &st) == 0 && stat(SPELL_DIC, &st) == 0) {
        /* the first slot now: a dictionary that does not load is no dictionary */
        spell_slot *s = slot_new();
        if (!s) {
            spell_free(sp);
            return TCPL_NOMEM(err, SPELL_DIC);
        }
        if (s->hun) {
            sp->has_dictionary = 1;
            sp->free_slots = s;
        } else {
            slot_free(s);
        }
    }
    *out = sp;
    return 0;
}

void spell_free(tcpl_spell *sp)
{
    if (!sp)
        return;
    while (sp->free_slots) {
        spell_slot *s = sp->free_slots;
        sp->free_slots = s->next;
        slot_free(s);
    }
    pthread_mutex_destroy(&sp->lock);
    tcpl_arena_free(&sp->arena);
    free(sp);
}

int spell_has_dictionary(const tcpl_spell *sp)
{
    return sp && sp->has_dictionary;
}

/* The same syllable with the tone on the other vowel of a final "oa", "oe"
 * or "uy" ("hòa" <-> "hoà", "thủy" <-> "thuỷ"): both placements are in use,
 * and a dictionary has one.  0 when w has no such cluster. */
static int other_placement(const char *w, char *out, size_t size)
{
    utf8proc_int32_t cp[64];
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)w, 0, cp, 64,
                                            UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    if (n <= 2 || n > 64)
        return 0;
    /* the last two vowels: o|u, then a|e|y, tone after either */
    utf8proc_ssize_t last = n - 1;
    int tone_last = 0;
    if (cp[last] == 0x300 || cp[last] == 0x301 || cp[last] == 0x303 || cp[last] == 0x309 ||
        cp[last] == 0x323) {
        tone_last = 1;
        last--;
    }
    if (last < 1 || !(cp[last] == 'a' || cp[last] == 'e' || cp[last] == 'y'))
        return 0;
    utf8proc_ssize_t prev = last - 1;
    utf8proc_int32_t tone = 0;
    if (!tone_last && prev >= 1 &&
        (cp[prev] == 0x300 || cp[prev] == 0x301 || cp[prev] == 0x303 || cp[prev] == 0x309 ||
         cp[prev] == 0x323)) {
        tone = cp[prev];
        prev--;
    }
    if (prev < 0 || !((cp[prev] == 'o' && cp[last] != 'y') || (cp[prev] == 'u' && cp[last] == 'y')))
        return 0;
    if (!tone_last && !tone)
        return 0;
    utf8proc_int32_t v[66];
    utf8proc_ssize_t k = 0;
    for (utf8proc_ssize_t i = 0; i <= prev; i++)
        v[k++] = cp[i];
    if (tone_last)
        v[k++] = cp[n - 1]; /* the tone moves onto the first vowel */
    v[k++] = cp[last];
    if (!tone_last)
        v[k++] = tone; /* ... or onto the second */
    utf8proc_ssize_t r = utf8proc_normalize_utf32(v, k, UTF8PROC_COMPOSE);
    if (r < 0)
        return 0;
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < r; i++) {
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t l = utf8proc_encode_char(v[i], b);
        if (o + (size_t)l >= size)
            return 0;
        memcpy(out + o, b, (size_t)l);
        o += (size_t)l;
    }
    out[o] = 0;
    return 1;
}

/* Hunspell's answer for w: 1 right, else 0 and the first suggestion. */
static int ask(const tcpl_spell *sp, Hunhandle *hun, const char *w, char *suggestion, size_t size)
{
    suggestion[0] = 0;
    if (bsearch(&w, sp->accepted, sp->naccepted, sizeof *sp->accepted, cmp_str))
        return 1;
    char alt[128];
    int has_alt = other_placement(w, alt, sizeof alt);
    if (Hunspell_spell(hun, w) || (has_alt && Hunspell_spell(hun, alt)))
        return 1;
    char **list = NULL;
    int n = Hunspell_suggest(hun, &list, w);
    if (n > 0) {
        size_t l = strlen(list[0]);
        if (l >= size)
            l = size - 1;
        memcpy(suggestion, list[0], l);
        suggestion[l] = 0;
    }
    if (list)
        Hunspell_free_list(hun, &list, n);
    return 0;
}

/* 1 when w was already reported during this take (or the set is full),
 * else 0 and w is now; -1 when memory is out. */
static int said_before(spell_slot *s, const char *w)
{
    size_t i = (size_t)fnv(w) & (SPELL_REPORTED - 1);
    for (size_t probe = 0; probe < SPELL_REPORTED; probe++, i = (i + 1) & (SPELL_REPORTED - 1)) {
        spell_said *e = &s->said[i];
        if (e->use != s->use)
            break;
        if (!strcmp(s->said_words.data + e->off, w))
            return 1;
    }
    if (s->nsaid * 2 >= SPELL_REPORTED)
        return 1;
    size_t off = s->said_words.len;
    if (tcpl_buf_put(&s->said_words, w, strlen(w) + 1) < 0)
        return -1;
    s->said[i] = (spell_said){s->use, (uint32_t)off};
    s->nsaid++;
    return 0;
}

int spell_word(const tcpl_spell *sp, spell_slot *s, const char *w, char *suggestion, size_t size)
{
    if (size)
        suggestion[0] = 0;
    if (!s || !size)
        return 1;
    size_t i = (size_t)fnv(w) & (SPELL_CACHE - 1);
    spell_known *k = NULL;
    for (size_t probe = 0; probe < SPELL_CACHE; probe++, i = (i + 1) & (SPELL_CACHE - 1)) {
        if (!s->known[i].word) {
            k = &s->known[i];
            break;
        }
        if (!strcmp(s->known[i].word, w)) {
            if (s->known[i].right)
                return 1;
            int said = said_before(s, w);
            if (said)
                return said < 0 ? 0 : 2; /* out of memory: reported again */
            snprintf(suggestion, size, "%s", s->known[i].suggestion);
            return 0;
        }
    }
    int right = ask(sp, s->hun, w, suggestion, size);
    s->asked++;
    if (k && s->nknown * 2 < SPELL_CACHE) { /* remember it */
        const char *kw = tcpl_arena_strdup(&s->arena, w);
        const char *ks = right ? "" : tcpl_arena_strdup(&s->arena, suggestion);
        if (kw && ks) {
            *k = (spell_known){kw, ks, (unsigned char)right};
            s->nknown++;
        }
    }
    if (!right && said_before(s, w) > 0) {
        suggestion[0] = 0;
        return 2;
    }
    return right;
}

const spell_entry *spell_compound(const tcpl_spell *sp, const char *base)
{
    return find(sp->compounds, sp->compound_idx, sp->compound_cap, base);
}

const spell_entry *spell_confusion(const tcpl_spell *sp, const char *folded)
{
    return find(sp->confusions, sp->confusion_idx, sp->confusion_cap, folded);
}

int spell_confusion_ends(const tcpl_spell *sp, const char *word)
{
    return find(sp->tails, sp->tail_idx, sp->tail_cap, word) != NULL;
}

size_t spell_unit_count(const tcpl_spell *sp)
{
    return sp ? sp->nunits : 0;
}

const char *spell_unit(const tcpl_spell *sp, size_t i)
{
    return sp && i < sp->nunits ? sp->units[i] : NULL;
}

int spell_letter_other(utf8proc_int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    if (k == UTF8PROC_CATEGORY_LU)
        return 2;
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

/* One pass over s through a table; 0, or -1 when s is not UTF-8. */
static int map_to(const utf8proc_int32_t *table, const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char a = (unsigned char)s[i];
        if (a < 0x80) { /* ASCII: one byte in, one out */
            if (o + 1 >= size)
                break;
            out[o++] = (char)table[a];
            i++;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t k = spell_cp((const unsigned char *)s + i, n - i, &c);
        if (k <= 0)
            return -1;
        i += (size_t)k;
        if (c < SPELL_TABLE)
            c = table[c];
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t l;
        if (c >= 0x80 && c < 0x800) { /* what utf8proc_encode_char writes, without the call */
            b[0] = (utf8proc_uint8_t)(0xC0 | (c >> 6));
            b[1] = (utf8proc_uint8_t)(0x80 | (c & 0x3F));
            l = 2;
        } else if (c >= 0x800 && c < 0x10000) {
            b[0] = (utf8proc_uint8_t)(0xE0 | (c >> 12));
            b[1] = (utf8proc_uint8_t)(0x80 | ((c >> 6) & 0x3F));
            b[2] = (utf8proc_uint8_t)(0x80 | (c & 0x3F));
            l = 3;
        } else
            l = utf8proc_encode_char(c, b);
        if (l <= 0 || o + (size_t)l >= size)
            break;
        memcpy(out + o, b, (size_t)l);
        o += (size_t)l;
    }
    out[o] = 0;
    return 0;
}

int spell_fold(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size)
{
    return map_to(sp->lower, s, n, out, size);
}

int spell_bare(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size)
{
    return map_to(sp->bare, s, n, out, size);
}
