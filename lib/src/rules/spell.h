#ifndef TCPL_RULES_SPELL_H
#define TCPL_RULES_SPELL_H
#include <stddef.h>

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
/* Unit names as checks/units.yaml writes them (canonical names, protected
 * phrases that begin with a capital). */
size_t spell_unit_count(const tcpl_spell *sp);
const char *spell_unit(const tcpl_spell *sp, size_t i);
/* A word in lower case (text is NFC: precomposed letters stay so), and the
 * same without any mark (đ as d), in one pass without allocating; cut to
 * size.  -1 when s is not UTF-8. */
int spell_fold(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size);
int spell_bare(const tcpl_spell *sp, const char *s, size_t n, char *out, size_t size);
/* Mark-free, casefolded, đ as d, into out (cut to size). */
int spell_base_to(const char *s, size_t n, char *out, size_t size);
/* Mark-free, casefolded, đ as d. */
char *spell_base(tcpl_arena *a, const char *s, size_t n);
/* A syllable's letters with their vowel marks but without its tone, and the
 * tone (a combining mark, 0 for none): "hoà" and "hòa" give the same. */
int spell_shape(const char *s, size_t n, char *shape, size_t size, int *tone);

#endif
