/* Legacy Vietnamese fonts (TCVN3, VNI) -> Unicode.  Expected Unicode is
 * built here by composing base letters and marks with utf8proc, never read
 * back from checks/encodings/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zip.h>

#include "base/buf.h"
#include "context.h"
#include "helpers/fixtures.h"
#include "helpers/testutil.h"
#include "ooxml/legacy.h"
#include "ooxml/xml.h"

/* ---- helpers ---- */

/* in (UTF-8 as stored in the XML) converted in a font; caller frees. */
static char *conv(const tcpl_ctx *ctx, const char *font, const char *in)
{
    const tcpl_legacy *lg = tcpl_ctx_legacy(ctx);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_legacy_kind k = tcpl_legacy_font_kind(lg, font);
    assert_int_equal(tcpl_legacy_convert(lg, k, in, strlen(in), &b), 0);
    tcpl_buf_putc(&b, 0);
    assert_true(tcpl_buf_ok(&b));
    return tcpl_buf_detach(&b, NULL);
}

static void assert_conv(const tcpl_ctx *ctx, const char *font, const char *in, const char *want)
{
    char *got = conv(ctx, font, in);
    if (strcmp(got, want))
        fail_msg("%s \"%s\": got \"%s\", want \"%s\"", font, in, got, want);
    free(got);
}

static void put_cp(char **p, int32_t cp)
{
    *p += utf8proc_encode_char(cp, (utf8proc_uint8_t *)*p);
}

/* NFC of base + marks (0-terminated list), uppercased base if upper. */
static void compose(char *out, int32_t base, const int32_t *marks, int upper)
{
    char tmp[32], *p = tmp;
    put_cp(&p, upper ? utf8proc_toupper(base) : base);
    for (; *marks; marks++)
        put_cp(&p, *marks);
    *p = 0;
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)tmp);
    assert_non_null(nfc);
    strcpy(out, (const char *)nfc);
    free(nfc);
}

static int is_nfc(const char *s)
{
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    int same = nfc && !strcmp((const char *)nfc, s);
    free(nfc);
    return same;
}

static int setup(void **state)
{
    *state = tu_ctx();
    return 0;
}

static int teardown(void **state)
{
    tcpl_ctx_free(*state);
    return 0;
}

/* ---- the 134 letters ---- */

/* Vietnamese vowels: base letter and the mark that makes it (0: none). */
static const struct {
    int32_t base, mod;
} vowels[12] = {
    {'a', 0}, {'a', 0x0306}, {'a', 0x0302}, {'e', 0}, {'e', 0x0302}, {'i', 0},
    {'o', 0}, {'o', 0x0302}, {'o', 0x031B}, {'u', 0}, {'u', 0x031B}, {'y', 0},
};
/* Tones in TCVN3 order: none, huyền, hỏi, ngã, sắc, nặng. */
static const int32_t tones[6] = {0, 0x0300, 0x0309, 0x0303, 0x0301, 0x0323};
/* The TCVN3 (VN3) code of each vowel with each tone, as printed in the
 * standard's table; a plain ASCII vowel is itself. */
static const unsigned char tcvn3_codes[12][6] = {
    {'a', 0xB5, 0xB6, 0xB7, 0xB8, 0xB9}, /* a */
    {0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6}, /* ă */
    {0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB}, /* â */
    {'e', 0xCC, 0xCE, 0xCF, 0xD0, 0xD1}, /* e */
    {0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6}, /* ê */
    {'i', 0xD7, 0xD8, 0xDC, 0xDD, 0xDE}, /* i */
    {'o', 0xDF, 0xE1, 0xE2, 0xE3, 0xE4}, /* o */
    {0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9}, /* ô */
    {0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE}, /* ơ */
    {'u', 0xEF, 0xF1, 0xF2, 0xF3, 0xF4}, /* u */
    {0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9}, /* ư */
    {'y', 0xFA, 0xFB, 0xFC, 0xFD, 0xFE}, /* y */
};

/* Every vowel with every tone, lower case through .VnTime and capitals
 * through .VnTimeH, plus đ/Đ: the 134 letters beyond ASCII. */
static void test_tcvn3_all_letters(void **state)
{
    const tcpl_ctx *ctx = *state;
    int checked = 0;
    for (int upper = 0; upper < 2; upper++) {
        for (int v = 0; v < 12; v++) {
            for (int t = 0; t < 6; t++) {
                int32_t marks[3] = {0, 0, 0};
                int m = 0;
                if (vowels[v].mod)
                    marks[m++] = vowels[v].mod;
                if (tones[t])
                    marks[m++] = tones[t];
                if (m == 0)
                    continue; /* plain ASCII vowel */
                char want[32], in[8], *p = in;
                compose(want, vowels[v].base, marks, upper);
                put_cp(&p, tcvn3_codes[v][t]); /* >= 0xA0: the cp1252 char is Latin-1 */
                *p = 0;
                assert_conv(ctx, upper ? ".VnTimeH" : ".VnTime", in, want);
                checked++;
            }
        }
        const int32_t stroke[] = {0};
        char want[8];
        compose(want, upper ? 0x0110 : 0x0111, stroke, 0);
        assert_conv(ctx, upper ? ".VnArialH" : ".VnArial", "\u00AE", want); /* 0xAE */
        checked++;
    }
    assert_int_equal(checked, 134);
}

/* The seven capitals VN3 has in the normal font, 0xA1-0xA7. */
static void test_tcvn3_plain_capitals(void **state)
{
    const tcpl_ctx *ctx = *state;
    const struct {
        unsigned char code;
        int32_t base, mod;
    } caps[] = {{0xA1, 'A', 0x0306}, {0xA2, 'A', 0x0302}, {0xA3, 'E', 0x0302}, {0xA4, 'O', 0x0302},
                {0xA5, 'O', 0x031B}, {0xA6, 'U', 0x031B}};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char in[8], *p = in, want[16];
        int32_t marks[2] = {caps[i].mod, 0};
        put_cp(&p, caps[i].code);
        *p = 0;
        compose(want, caps[i].base, marks, 0);
        assert_conv(ctx, ".VnTime", in, want);
    }
    assert_conv(ctx, ".VnTime", "\u00A7", "\u0110"); /* 0xA7 Đ */
}

/* Real words from the corpus rendering and the seed they came from. */
static void test_tcvn3_words(void **state)
{
    const tcpl_ctx *ctx = *state;
    assert_conv(ctx, ".VnTime", "Quy\u00D5t \u00AE\u00DEnh", "Quyết định");
    assert_conv(ctx, ".VnTime", "Th\u00F1 t\u00AD\u00EDng Ch\u00DDnh ph\u00F1",
                "Thủ tướng Chính phủ");
    assert_conv(ctx, ".VnTime", "Lai Ch\u00A9u, ng\u00B5y", "Lai Châu, ngày");
    /* Caps font: every letter a capital, ASCII letters too. */
    assert_conv(ctx, ".VnTimeH", "k\u00D5 ho\u00B9ch", "KẾ HOẠCH");
    assert_conv(ctx, ".VnTimeH", "nh\u00A9n d\u00A9n", "NHÂN DÂN");
}

/* Typists mix the caps font and the normal font inside one word: "Ủy" is
 * .VnTimeH "ñ" then .VnTime "y"; each run converts on its own. */
static void test_tcvn3_mixed_fonts(void **state)
{
    const tcpl_ctx *ctx = *state;
    const tcpl_legacy *lg = tcpl_ctx_legacy(ctx);
    tcpl_buf b;
    tcpl_buf_init(&b);
    assert_int_equal(tcpl_legacy_convert(lg, TCPL_LEGACY_TCVN3_CAPS, "\u00F1", 2, &b), 0);
    assert_int_equal(tcpl_legacy_convert(lg, TCPL_LEGACY_TCVN3, "y ban", 5, &b), 0);
    tcpl_buf_putc(&b, 0);
    assert_string_equal(b.data, "Ủy ban");
    tcpl_buf_free(&b);
    assert_conv(ctx, ".VnTimeH", "\u00F1y", "ỦY");
}

/* Characters the table does not list stay as they are: ASCII, cp1252
 * punctuation Word stores for bytes 0x80-0x9F, anything else. */
static void test_unmapped_kept(void **state)
{
    const tcpl_ctx *ctx = *state;
    assert_conv(ctx, ".VnTime", "S\u00E8: 25/2021/Q\u00A7-TTg", "Số: 25/2021/QĐ-TTg");
    assert_conv(ctx, ".VnTime", "\u201Cv\u00AB\u201D \u2013 \u2026 \u20AC",
                "\u201Cvô\u201D \u2013 \u2026 \u20AC");
    /* 0xBA is not in VN3. */
    assert_conv(ctx, ".VnTime", "\u2192 \u4E2D \u00BA", "\u2192 \u4E2D \u00BA");
    assert_conv(ctx, ".VnTimeH", "\u2192 1-2", "\u2192 1-2");
    assert_conv(ctx, ".VnTime", "", "");
    /* Not a legacy font: untouched, even bytes that look like TCVN3. */
    assert_conv(ctx, "Times New Roman", "ng\u00B5y", "ng\u00B5y");
}

/* Font names -> kinds, from fonts.yaml. */
static void test_font_kind(void **state)
{
    const tcpl_legacy *lg = tcpl_ctx_legacy(*state);
    assert_non_null(lg);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnTime"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnArial"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnCentury Schoolbook"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".vntime"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnTimeH"), TCPL_LEGACY_TCVN3_CAPS);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnArialH"), TCPL_LEGACY_TCVN3_CAPS);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnCenturyH"), TCPL_LEGACY_TCVN3_CAPS);
    assert_int_equal(tcpl_legacy_font_kind(lg, "VNI-Times"), TCPL_LEGACY_VNI);
    assert_int_equal(tcpl_legacy_font_kind(lg, "VNI-Helve"), TCPL_LEGACY_VNI);
    assert_int_equal(tcpl_legacy_font_kind(lg, "Times New Roman"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, "Arial"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, "Vn"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".V"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, ""), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, NULL), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(NULL, ".VnTime"), TCPL_LEGACY_NONE);
}

/* VNI: base letter then mark byte, some single-byte letters; output NFC. */
static void test_vni(void **state)
{
    const tcpl_ctx *ctx = *state;
    const char *cases[][2] = {
        {"Vie\u00E4t Nam", "Việt Nam"},             /* e + circumflex+dot */
        {"Ha\u00F8 No\u00E4i", "Hà Nội"},
        {"Quye\u00E1t \u00F1\u00F2nh", "Quyết định"}, /* ñ đ, ò ị */
        {"Thu\u00FB t\u00F6\u00F4\u00F9ng Ch\u00EDnh phu\u00FB", "Thủ tướng Chính phủ"},
        {"\u00D1a\u00FBng", "Đảng"},
        {"na\u00EAm", "năm"},
        {"ta\u00E9c ca\u00E8 ha\u00FA ha\u00FC ha\u00EB", "tắc cằ hẳ hẵ hặ"},
        {"ca\u00E0u ca\u00E5u ca\u00E3u", "cầu cẩu cẫu"},
        {"\u00E6 \u00F3 \u00EE \u00EC", "ỉ ĩ ỵ ì"},
        {"CO\u00C4NG HO\u00D8A XA\u00D5 HO\u00C4I", "CỘNG HÒA XÃ HỘI"},
        {"U\u00DBY BAN NHA\u00C2N DA\u00C2N", "ỦY BAN NHÂN DÂN"},
        {"T\u00C6NH LAI CHA\u00C2U", "TỈNH LAI CHÂU"},
        {"\u00D4\u00D9 \u00D6\u00CF", "Ớ Ự"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = conv(ctx, "VNI-Times", cases[i][0]);
        utf8proc_uint8_t *want = utf8proc_NFC((const utf8proc_uint8_t *)cases[i][1]);
        if (strcmp(got, (const char *)want))
            fail_msg("VNI \"%s\": got \"%s\", want \"%s\"", cases[i][0], got, want);
        assert_true(is_nfc(got));
        free(want);
        free(got);
    }
    /* A base letter in one run and its mark in the next cannot compose:
     * the mark is kept as a combining character. */
    char *got = conv(ctx, "VNI-Times", "\u00F9");
    assert_string_equal(got, "\u0301");
    free(got);
}

/* Output is NFC: a composed letter never comes out as base + mark. */
static void test_nfc(void **state)
{
    const tcpl_ctx *ctx = *state;
    char *got = conv(ctx, ".VnTime", "ng\u00B5y th\u00B8ng n\u00A8m");
    assert_string_equal(got, "ng\u00E0y th\u00E1ng n\u0103m");
    assert_true(is_nfc(got));
    free(got);
    /* Decomposed text already in a legacy run is composed too. */
    got = conv(ctx, "VNI-Times", "a\u0301");
    assert_string_equal(got, "\u00E1");
    free(got);
}

/* ---- data dir: extra table rows, table errors ---- */

static char *make_data_dir(const char *fonts, const char *tcvn3)
{
    char *dir = strdup("/tmp/tcpl-legacy-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/encodings", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    if (fonts) {
        snprintf(path, sizeof path, "%s/encodings/fonts.yaml", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(fonts, f);
        fclose(f);
    }
    if (tcvn3) {
        snprintf(path, sizeof path, "%s/encodings/tcvn3.tsv", dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(tcvn3, f);
        fclose(f);
    }
    return dir;
}

static void remove_data_dir(char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/encodings/fonts.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/encodings/tcvn3.tsv", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/encodings", dir);
    rmdir(path);
    rmdir(dir);
    free(dir);
}

static int ctx_with(const char *dir, tcpl_ctx **ctx, tcpl_error *err)
{
    tcpl_ctx_options o = {"en", dir};
    tcpl_error_clear(err);
    return tcpl_ctx_new(ctx, &o, err);
}

/* Bytes 0x80-0x9F reach us as their cp1252 characters (0x83 as U+0192
 * ƒ) or, where cp1252 has none, as U+0080-U+009F: both map back to the
 * byte.  VN3 lists none of them, so a table with VN1's capitals (TCVN
 * 5712 VN1 puts Á at 0x83 and Ỏ at 0x93) is loaded from a data dir. */
static void test_cp1252_range(void **state)
{
    (void)state;
    char *dir = make_data_dir(NULL, "# VN3 plus some VN1 capitals\n"
                                    "0xB8\tU+00E1\tá\n"
                                    "0x83\tU+00C1\tÁ\n"
                                    "0x93\tU+1ECE\tỎ\n"
                                    "0x8D\tU+00CC\tÌ\n");
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    assert_int_equal(ctx_with(dir, &ctx, &err), 0);
    assert_conv(ctx, ".VnTime", "\u0192 \u201C \xC2\x93 \xC2\x8D \u00B8", "Á Ỏ Ỏ Ì á");
    /* 0x94 (U+201D) is not in this table: kept. */
    assert_conv(ctx, ".VnTime", "\u201D", "\u201D");
    tcpl_ctx_free(ctx);
    remove_data_dir(dir);
}

static void expect_data_error(const char *fonts, const char *tcvn3, const char *file,
                              const char *where)
{
    char *dir = make_data_dir(fonts, tcvn3);
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    assert_int_equal(ctx_with(dir, &ctx, &err), TCPL_ERR_DATA);
    assert_null(ctx);
    assert_string_equal(err.id, "err.data_invalid");
    assert_string_equal(err.file, file);
    assert_string_equal(err.where, where);
    assert_true(err.detail[0] != 0);
    remove_data_dir(dir);
}

static void test_table_errors(void **state)
{
    (void)state;
    const char *tsv = "encodings/tcvn3.tsv", *yml = "encodings/fonts.yaml";
    expect_data_error(NULL, "# comment\n\n0xZZ\tU+0041\n", tsv, "line 3");
    expect_data_error(NULL, "0xB8\tU+00E1\n0xB8\tU+00E0\n", tsv, "line 2"); /* twice */
    expect_data_error(NULL, "0xB8\tX+00E1\n", tsv, "line 1");
    expect_data_error(NULL, "0xB8\n", tsv, "line 1");
    expect_data_error(NULL, "0xB8\tU+00E1\tà\n", tsv, "line 1"); /* shown letter differs */
    expect_data_error(NULL, "0xB8\tU+D800\n", tsv, "line 1");
    expect_data_error(NULL, "0xB8\tU+0301 U+0301 U+0301 U+0301\n", tsv, "line 1");
    expect_data_error("fonts:\n  - prefix: .Vn\n    encoding: klingon\n", NULL, yml, "line 2");
    expect_data_error("fonts:\n  - encoding: tcvn3\n", NULL, yml, "line 2");
    expect_data_error("fonts:\n  - prefix: .Vn\n    encoding: tcvn3\n    caps: maybe\n", NULL, yml,
                      "line 2");
    expect_data_error("fonts: 3\n", NULL, yml, "line 1");
}

/* A data dir can add a font without touching code. */
static void test_font_added_by_data(void **state)
{
    (void)state;
    char *dir = make_data_dir("fonts:\n"
                              "  - name: \"ABC Sans\"\n    encoding: tcvn3\n"
                              "  - prefix: \"VNI-\"\n    suffix: \" Caps\"\n    encoding: vni\n"
                              "    caps: true\n",
                              NULL);
    tcpl_ctx *ctx = NULL;
    tcpl_error err;
    assert_int_equal(ctx_with(dir, &ctx, &err), 0);
    const tcpl_legacy *lg = tcpl_ctx_legacy(ctx);
    assert_int_equal(tcpl_legacy_font_kind(lg, "ABC Sans"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, "abc sans"), TCPL_LEGACY_TCVN3);
    assert_int_equal(tcpl_legacy_font_kind(lg, "ABC Sans Bold"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, ".VnTime"), TCPL_LEGACY_NONE);
    assert_int_equal(tcpl_legacy_font_kind(lg, "VNI-Times Caps"), TCPL_LEGACY_VNI_CAPS);
    assert_int_equal(tcpl_legacy_font_kind(lg, "VNI-Times"), TCPL_LEGACY_NONE);
    assert_conv(ctx, "VNI-Times Caps", "vie\u00E4t", "VIỆT");
    tcpl_ctx_free(ctx);
    remove_data_dir(dir);
}

/* ---- threads: the context is shared read-only ---- */

typedef struct {
    const tcpl_ctx *ctx;
    int ok;
} thread_arg;

static void *convert_many(void *p)
{
    thread_arg *a = p;
    const tcpl_legacy *lg = tcpl_ctx_legacy(a->ctx);
    a->ok = 1;
    for (int i = 0; i < 2000 && a->ok; i++) {
        tcpl_buf b;
        tcpl_buf_init(&b);
        const char *in = i % 2 ? "k\u00D5 ho\u00B9ch" : "Vie\u00E4t Nam";
        tcpl_legacy_kind k = i % 2 ? TCPL_LEGACY_TCVN3_CAPS : TCPL_LEGACY_VNI;
        if (tcpl_legacy_convert(lg, k, in, strlen(in), &b) < 0 || tcpl_buf_putc(&b, 0) < 0 ||
            strcmp(b.data, i % 2 ? "KẾ HOẠCH" : "Việt Nam"))
            a->ok = 0;
        tcpl_buf_free(&b);
    }
    return NULL;
}

static void test_threads(void **state)
{
    enum { N = 4 };
    pthread_t th[N];
    thread_arg args[N];
    for (int i = 0; i < N; i++) {
        args[i].ctx = *state;
        assert_int_equal(pthread_create(&th[i], NULL, convert_many, &args[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        assert_true(args[i].ok);
    }
}

/* ---- real input: corpus 000-tcvn3.docx against seeds/000.txt ---- */

/* Paragraph texts, one a line, each run converted in its font. */
static char *docx_text(const tcpl_ctx *ctx, const char *path, int *legacy_runs)
{
    size_t len;
    char *xml = tu_zip_file_entry(path, "word/document.xml", &len);
    assert_non_null(xml);
    const tcpl_legacy *lg = tcpl_ctx_legacy(ctx);
    tcpl_xml x;
    tcpl_error err;
    tcpl_buf out, t;
    tcpl_buf_init(&out);
    tcpl_buf_init(&t);
    char font[128] = "";
    *legacy_runs = 0;
    assert_int_equal(tcpl_xml_open(&x, xml, len, path, "word/document.xml", &err), 0);
    int r;
    while ((r = tcpl_xml_next(&x, &err)) == 1) {
        if (tcpl_xml_is_w(&x, "r")) {
            font[0] = 0;
        } else if (tcpl_xml_is_w(&x, "rFonts")) {
            if (!tcpl_xml_attr_copy(&x, TCPL_NS_W, "ascii", font, sizeof font))
                font[0] = 0;
        } else if (tcpl_xml_is_w(&x, "tab")) {
            tcpl_buf_putc(&out, '\t');
        } else if (tcpl_xml_is_w(&x, "t") && !tcpl_xml_empty(&x)) {
            tcpl_buf_reset(&t);
            while ((r = tcpl_xml_next(&x, &err)) == 1 && !tcpl_xml_is_end(&x, TCPL_NS_W, "t")) {
                int ty = tcpl_xml_type(&x);
                if (ty == XML_READER_TYPE_TEXT || ty == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                    ty == XML_READER_TYPE_WHITESPACE)
                    tcpl_buf_puts(&t, tcpl_xml_value(&x));
            }
            assert_int_equal(r, 1);
            tcpl_legacy_kind k = tcpl_legacy_font_kind(lg, font);
            if (k != TCPL_LEGACY_NONE)
                (*legacy_runs)++;
            assert_int_equal(tcpl_legacy_convert(lg, k, t.data ? t.data : "", t.len, &out), 0);
        } else if (tcpl_xml_is_end(&x, TCPL_NS_W, "p")) {
            tcpl_buf_putc(&out, '\n');
        }
    }
    assert_int_equal(r, 0);
    tcpl_xml_close(&x);
    tcpl_buf_free(&t);
    free(xml);
    tcpl_buf_putc(&out, 0);
    assert_true(tcpl_buf_ok(&out));
    return tcpl_buf_detach(&out, NULL);
}

/* A seed line without its Markdown: leading #'s, ** and * marks. */
static void strip_markdown(char *s)
{
    char *p = s, *q = s;
    while (*p == '#')
        p++;
    while (*p == ' ')
        p++;
    for (; *p; p++)
        if (*p != '*')
            *q++ = *p;
    *q = 0;
    while (q > s && (q[-1] == ' ' || q[-1] == '\r'))
        *--q = 0;
}

static void test_corpus_tcvn3(void **state)
{
    const tcpl_ctx *ctx = *state;
    char *path = tu_corpus_file("000-tcvn3.docx");
    char *seed_path = tu_corpus_file("seeds/000.txt");
    if (!path || !seed_path || access(path, R_OK) || access(seed_path, R_OK)) {
        free(path);
        free(seed_path);
        skip();
    }
    int legacy_runs;
    char *text = docx_text(ctx, path, &legacy_runs);
    assert_true(legacy_runs > 100); /* the whole document is .VnTime/.VnTimeH */
    assert_true(is_nfc(text));

    /* Lines read off seeds/000.txt by hand. */
    const char *lines[] = {
        "ỦY BAN NHÂN DÂN",
        "TỈNH LAI CHÂU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lai Châu, ngày tháng năm 2021",
        "KẾ HOẠCH",
        "Triển khai thực hiện Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ "
        "quy định về xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật trên địa bàn tỉnh Lai Châu",
        "Thực hiện Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ Quy định về "
        "xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật, Quyết định số 1320/QĐ-BTP ngày 18 tháng 8 "
        "năm 2021 của Bộ Tư pháp về ban hành Kế hoạch thực hiện Quyết định số 25/2021/QĐ-TTg ngày "
        "22/7/2021 của Thủ tướng Chính phủ quy định về xã, phường, thị trấn đạt chuẩn tiếp cận pháp "
        "luật; Ủy ban nhân dân (UBND) tỉnh ban hành Kế hoạch triển khai thực hiện như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "II. NỘI DUNG HOẠT ĐỘNG",
        "III. TỔ CHỨC THỰC HIỆN",
        "8. Kinh phí",
        "- Đơn vị chủ trì: Sở Tư pháp, Phòng Tư pháp cấp huyện.",
        "- Thời gian thực hiện: Quý IV năm 2021.",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(text, lines[i]))
            fail_msg("not in the converted text: %s", lines[i]);

    /* Every non-empty seed line, Markdown removed, appears exactly. */
    size_t slen;
    char *seed = tu_read_file(seed_path, &slen);
    assert_non_null(seed);
    int total = 0, found = 0;
    for (char *line = strtok(seed, "\n"); line; line = strtok(NULL, "\n")) {
        strip_markdown(line);
        if (!*line)
            continue;
        total++;
        if (strstr(text, line))
            found++;
        else
            print_message("missing: %s\n", line);
    }
    assert_true(total > 100);
    assert_int_equal(found, total);

    free(seed);
    free(text);
    free(path);
    free(seed_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tcvn3_all_letters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcvn3_plain_capitals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcvn3_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcvn3_mixed_fonts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmapped_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_font_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vni, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nfc, setup, teardown),
        cmocka_unit_test(test_cp1252_range),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_font_added_by_data),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus_tcvn3, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
