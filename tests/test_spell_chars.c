/* The spelling rules' character shortcuts (lib/src/rules/spell.h): the
 * letters and code points they know by heart give exactly what utf8proc
 * gives, over every code point and every two- and three-byte sequence they
 * take; the confusion lookups skipped for a word are those that find
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "helpers/testutil.h"
#include "rules/spell.h"

static int by_utf8proc(utf8proc_int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    if (k == UTF8PROC_CATEGORY_LU)
        return 2;
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

static void test_letters_as_utf8proc(void **state)
{
    (void)state;
    size_t upper = 0;
    for (utf8proc_int32_t c = 0; c <= 0x10FFFF; c++) {
        int a = spell_letter(c), b = by_utf8proc(c);
        if (a != b)
            fail_msg("U+%04X: spell_letter %d, utf8proc %d", (unsigned)c, a, b);
        upper += a == 2;
    }
    assert_true(upper > 1000);
    assert_int_equal(spell_letter(0x1EA0), 2); /* Ạ */
    assert_int_equal(spell_letter(0x1EA1), 1); /* ạ */
    assert_int_equal(spell_letter(0x110), 2);  /* Đ */
    assert_int_equal(spell_letter(0x301), 1);  /* combining acute */
    assert_int_equal(spell_letter(0xD7), 0);   /* × */
}

static void same_cp(const unsigned char *s, size_t n)
{
    utf8proc_int32_t a = -7, b = -7;
    utf8proc_ssize_t la = spell_cp(s, n, &a);
    utf8proc_ssize_t lb = utf8proc_iterate(s, (utf8proc_ssize_t)n, &b);
    if (la <= 0 || lb <= 0) {
        if ((la <= 0) != (lb <= 0))
            fail_msg("%02X %02X %02X (%zu): spell_cp %ld, utf8proc %ld", s[0], n > 1 ? s[1] : 0,
                     n > 2 ? s[2] : 0, n, (long)la, (long)lb);
        return;
    }
    if (la != lb || a != b)
        fail_msg("%02X %02X %02X (%zu): spell_cp U+%04X/%ld, utf8proc U+%04X/%ld", s[0],
                 n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n, (unsigned)a, (long)la, (unsigned)b,
                 (long)lb);
}

static void test_code_points_as_utf8proc(void **state)
{
    (void)state;
    unsigned char s[4] = {0};
    size_t checked = 0;
    /* every lead byte with every second and third byte, cut at 1, 2 and 3 */
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++)
            for (unsigned c = 0; c < 256; c += (a == 0xE1 || a == 0xE0 || a == 0xED) ? 1 : 17) {
                s[0] = (unsigned char)a;
                s[1] = (unsigned char)b;
                s[2] = (unsigned char)c;
                s[3] = 0x80;
                for (size_t n = 1; n <= 4; n++) {
                    same_cp(s, n);
                    checked++;
                }
            }
    assert_true(checked > 1000000);
}

static void test_confusion_ends(void **state)
{
    (void)state;
    tcpl_ctx *ctx = tu_ctx();
    tcpl_spell *sp;
    tcpl_error err;
    assert_int_equal(spell_new(&sp, ctx, &err), 0);
    /* checks/spelling.yaml: "niên yết", "sát nhập", "chuẩn tiếp cập" */
    assert_non_null(spell_confusion(sp, "niên yết"));
    assert_int_equal(spell_confusion_ends(sp, "yết"), 1);
    assert_int_equal(spell_confusion_ends(sp, "nhập"), 1);
    assert_int_equal(spell_confusion_ends(sp, "cập"), 1);
    /* words that end no confusion: nothing to look up after them */
    assert_int_equal(spell_confusion_ends(sp, "niên"), 0);
    assert_int_equal(spell_confusion_ends(sp, "hoạch"), 0);
    assert_int_equal(spell_confusion_ends(sp, ""), 0);
    assert_null(spell_confusion(sp, "kế hoạch"));
    spell_free(sp);
    tcpl_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_letters_as_utf8proc),
        cmocka_unit_test(test_code_points_as_utf8proc),
        cmocka_unit_test(test_confusion_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
