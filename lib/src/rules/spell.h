#ifndef TCPL_RULES_SPELL_H
#define TCPL_RULES_SPELL_H
#include <stddef.h>

#include <utf8proc.h>

#include "base/arena.h"
#include "tcpl/context.h"

typedef struct tcpl_spell tcpl_spell;
/* One document's lookups: a hunspell handle and the words it answered. */
typedef struct spell_slot spell_slot;

typedef struct spell_entry {
    const char *base;  /* lookup key */
    const char *right; /* the right form */
} spell_entry;

/* Loads checks/spelling.yaml and, when Debian's hunspell-vi is installed,
 * the Vietnamese dictionary.  Read-only afterwards but for the pool of
 * slots (spell_take), which any thread may use. */
int spell_new(tcpl_spell **out, const tcpl_ctx *ctx, tcpl_error *err);
void spell_free(tcpl_spell *sp);
int spell_has_dictionary(const tcpl_spell *sp);
/* A slot for one document's syllables, for one thread at a time (made when
 * every slot is in use); NULL when there is no dictionary or memory is
 * out.  spell_give puts it back. */
spell_slot *spell_take(tcpl_spell *sp);
void spell_give(tcpl_spell *sp, spell_slot *s);
/* Words asked of hunspell by the slots not in use (tests). */
size_t spell_asked(tcpl_spell *sp);
/* 1 when w (a lower-case syllable) is Vietnamese or accepted; else 0 and
 * the first suggestion in suggestion, or 2 when w was already answered
 * wrong during this take of the slot (a word is reported once per
 * document).  A slot remembers its answers across takes (bounded). */
int spell_word(const tcpl_spell *sp, spell_slot *s, const char *w, char *suggestion, size_t size);
/* The compound whose mark-free form is base, or NULL. */
const spell_entry *spell_compound(const tcpl_spell *sp, const char *base);
/* The confusion whose casefolded wrong form is folded, or NULL. */
const spell_entry *spell_confusion(const tcpl_spell *sp, const char *folded);
/* 1 when some confusion's casefolded wrong form ends with the word
 * (a casefolded word without spaces): else spell_confusion finds nothing
 * for a phrase ending with it, and the lookups can be skipped. */
int spell_confusion_ends(const tcpl_spell *sp, const char *word);
/* Unit names as checks/units.yaml writes them (canonical names, protected
 * phrases that begin with a capital). */
size_t spell_unit_count(const tcpl_spell *sp);
const char *spell_unit(const tcpl_spell *sp, size_t i);
/* A word in lower case (text is NFC: precomposed letters stay so), and the
 * same without any mark (đ as d), in one pass without allocating; cut to
 * size.  -1 when s is not UTF-8. */
int spell_fold(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size);
int spell_bare(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size);
/* spell_letter for the code points it does not know by heart. */
int spell_letter_other(utf8proc_int32_t c);

/* The code point at s[0..n) (n >= 1) and its length, as utf8proc_iterate
 * gives them (<= 0: not UTF-8), the common Vietnamese ones without a call.
 * 0 when c is not a letter (utf8proc: L* or M*), 2 an upper-case letter
 * (Lu), 1 another letter; ASCII, Latin-1, the Vietnamese letters and the
 * combining marks without a table lookup (tests/test_spell_chars.c). */
static inline utf8proc_ssize_t spell_cp(const unsigned char *s, size_t n, utf8proc_int32_t *c)
{
    unsigned a = s[0];
    if (a < 0x80) {
        *c = (utf8proc_int32_t)a;
        return 1;
    }
    /* Two bytes from C2-DF, three from E1 (Vietnamese's U+1Exx): always
     * valid when their continuation bytes are there, as utf8proc_iterate
     * would say; anything else goes to it. */
    if (a >= 0xC2 && a <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
        *c = (utf8proc_int32_t)((a & 0x1F) << 6 | (s[1] & 0x3F));
        return 2;
    }
    if (a == 0xE1 && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *c = (utf8proc_int32_t)((a & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F));
        return 3;
    }
    return utf8proc_iterate(s, (utf8proc_ssize_t)n, c);
}

static inline int spell_letter(utf8proc_int32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? 2 : c >= 'a' && c <= 'z';
    if (c >= 0xC0 && c <= 0xFF)
        return c == 0xD7 || c == 0xF7 ? 0 : c <= 0xDE ? 2 : 1;
    if (c >= 0x1EA0 && c <= 0x1EF9) /* Ạ ạ ... Ỹ ỹ */
        return c & 1 ? 1 : 2;
    if (c >= 0x300 && c <= 0x36F) /* combining marks (Mn) */
        return 1;
    switch (c) {
    case 0x102: /* Ă Đ Ĩ Ũ Ơ Ư */
    case 0x110:
    case 0x128:
    case 0x168:
    case 0x1A0:
    case 0x1AF:
        return 2;
    case 0x103:
    case 0x111:
    case 0x129:
    case 0x169:
    case 0x1A1:
    case 0x1B0:
        return 1;
    }
    return spell_letter_other(c);
}

/* Mark-free, casefolded, đ as d, into out (cut to size). */
int spell_base_to(const char *s, size_t n, char *out, size_t size);
/* Mark-free, casefolded, đ as d. */
char *spell_base(tcpl_arena *a, const char *s, size_t n);
/* A syllable's letters with their vowel marks but without its tone, and the
 * tone (a combining mark, 0 for none): "hoà" and "hòa" give the same. */
int spell_shape(const char *s, size_t n, char *shape, size_t size, int *tone);

#endif
