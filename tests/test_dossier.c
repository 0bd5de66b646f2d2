/* Evidence dossiers (lib/src/dossier, tcpl dossier, tcpl batch --dossiers):
 * the sample communes judged item by item as a careful reader judges the
 * folders (samples/dossiers/README.md), names with and without diacritics,
 * a score table that does not add up, and a hostile folder that stays
 * bounded and says what it skipped. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers/testutil.h"
#include "tcpl/dossier.h"

static tcpl_ctx *ctx;
static tcpl_dossier_pack *pack;
static char root[64];

static int setup(void **state)
{
    (void)state;
    ctx = tu_ctx();
    tcpl_error err;
    tcpl_error_clear(&err);
    if (tcpl_dossier_pack_load(&pack, ctx, "ho-so-tcpl", &err) < 0) {
        fprintf(stderr, "pack: %s %s\n", err.id ? err.id : "", err.detail);
        return -1;
    }
    snprintf(root, sizeof root, "/tmp/tcpl-dossier-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tcpl_dossier_pack_free(pack);
    tcpl_ctx_free(ctx);
    return tu_rm_rf(root);
}

static tcpl_dossier *run_dir(const char *dir, const tcpl_dossier_options *o)
{
    tcpl_dossier *d = NULL;
    tcpl_error err;
    tcpl_error_clear(&err);
    int rc = tcpl_dossier_run(&d, pack, dir, o, &err);
    if (rc < 0)
        fprintf(stderr, "%s: %s %s\n", dir, err.id ? err.id : "", err.detail);
    assert_int_equal(rc, 0);
    return d;
}

static const tcpl_dossier_item *item(const tcpl_dossier *d, const char *id)
{
    for (size_t i = 0; i < tcpl_dossier_item_count(d); i++)
        if (!strcmp(tcpl_dossier_item_get(d, i)->id, id))
            return tcpl_dossier_item_get(d, i);
    fail_msg("no item %s", id);
    return NULL;
}

/* What a reader of each sample folder sees (samples/dossiers/README.md). */
typedef struct expect {
    const char *id;
    tcpl_dossier_status status;
    const char *file; /* the file that proves it (or fails), "" when missing */
} expect;

static void check_expect(const char *dir, const expect *e, size_t n, size_t unmatched)
{
    tcpl_dossier *d = run_dir(dir, NULL);
    assert_int_equal(tcpl_dossier_item_count(d), n);
    TU_ASSERT_NONEMPTY(n, "expected items");
    for (size_t i = 0; i < n; i++) {
        const tcpl_dossier_item *it = item(d, e[i].id);
        if (it->status != e[i].status || strcmp(it->file, e[i].file))
            fail_msg("%s %s: %s %s (reason %s), expected %s %s", dir, e[i].id,
                     tcpl_dossier_status_name(it->status), it->file, it->reason,
                     tcpl_dossier_status_name(e[i].status), e[i].file);
        assert_int_equal(it->checked, 1);
    }
    assert_int_equal(tcpl_dossier_unmatched_count(d), unmatched);
    assert_int_equal(tcpl_dossier_note_count(d), 0);
    tcpl_dossier_free(d);
}

/* The sample dossier with every document named in Vietnamese
 * (xa-phu-thinh); xa-tan-lap is the same folder but for its minutes. */
static const expect PHU_THINH[] = {
    {"HS-TO-TRINH", TCPL_DOSSIER_FOUND, "Tờ_trình_đề_nghị_công_nhận.docx"},
    {"HS-BAO-CAO", TCPL_DOSSIER_FOUND, "Báo_cáo_kết_quả_đánh_giá.docx"},
    {"HS-BANG-DIEM", TCPL_DOSSIER_FOUND, "Bảng_tổng_hợp_điểm.docx"},
    {"HS-BIEN-BAN-HOP", TCPL_DOSSIER_FOUND, "Biên_bản_họp_đánh_giá.docx"},
    {"HS-NIEM-YET", TCPL_DOSSIER_FOUND, "Biên_bản_niêm_yết_công_khai.docx"},
    {"HS-PHAN-CONG", TCPL_DOSSIER_FOUND, "Quyết_định_phân_công.docx"},
    {"HS-DANH-MUC", TCPL_DOSSIER_FOUND, "Danh_mục_quyết_định.docx"},
    {"HS-MINH-CHUNG", TCPL_DOSSIER_FOUND, "Minh_chứng/Hội_nghị_thôn_Đông.docx"},
};
#define N_PHU_THINH (sizeof PHU_THINH / sizeof PHU_THINH[0])

static void test_complete(void **state)
{
    (void)state;
    check_expect("build/samples/dossiers/xa-phu-thinh", PHU_THINH, N_PHU_THINH, 0);
}

/* Names without diacritics; no posting record; a stray note. */
static void test_missing_item(void **state)
{
    (void)state;
    const expect e[] = {
        {"HS-TO-TRINH", TCPL_DOSSIER_FOUND, "To_trinh_de_nghi_cong_nhan.docx"},
        {"HS-BAO-CAO", TCPL_DOSSIER_FOUND, "Bao_cao_ket_qua_danh_gia.docx"},
        {"HS-BANG-DIEM", TCPL_DOSSIER_FOUND, "Bang_tong_hop_diem.docx"},
        {"HS-BIEN-BAN-HOP", TCPL_DOSSIER_FOUND, "Bien_ban_hop_danh_gia.docx"},
        {"HS-NIEM-YET", TCPL_DOSSIER_MISSING, ""},
        {"HS-PHAN-CONG", TCPL_DOSSIER_FOUND, "Quyet_dinh_phan_cong.docx"},
        {"HS-DANH-MUC", TCPL_DOSSIER_FOUND, "Danh_muc_quyet_dinh.docx"},
        {"HS-MINH-CHUNG", TCPL_DOSSIER_FOUND, "Minh_chung/Hoi_nghi_thon_Dong.docx"},
    };
    check_expect("build/samples/dossiers/xa-an-hoa", e, 8, 1);
}

/* The minutes list no village head among those attending. */
static void test_minutes_without_village_heads(void **state)
{
    (void)state;
    expect e[N_PHU_THINH];
    memcpy(e, PHU_THINH, sizeof e);
    assert_string_equal(e[3].id, "HS-BIEN-BAN-HOP");
    e[3].status = TCPL_DOSSIER_FAILING;
    check_expect("build/samples/dossiers/xa-tan-lap", e, 8, 0);
    tcpl_dossier *d = run_dir("build/samples/dossiers/xa-tan-lap", NULL);
    const tcpl_dossier_item *it = item(d, "HS-BIEN-BAN-HOP");
    assert_string_equal(it->rule, "HS-BB-TRUONG-THON");
    TU_ASSERT_CONTAINS(it->reason, "trưởng thôn");
    char *js = NULL;
    size_t len;
    assert_int_equal(tcpl_dossier_json(&js, &len, d, 0, NULL), 0);
    /* the findings shape of tcpl check: tcpl conclude reads these keys */
    TU_ASSERT_CONTAINS(js, "\"findings\":[{\"rule\":\"HS-BB-TRUONG-THON\",\"severity\":\"loi\","
                           "\"category\":\"evidence\"");
    TU_ASSERT_CONTAINS(js, "\"counts\":{\"loi\":1,\"canh-bao\":0,\"goi-y\":0}");
    free(js);
    tcpl_dossier_free(d);
}

static void put(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static char *cat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* The file root + rel, which must be there (free()). */
static char *read_out(const char *rel)
{
    char *p = cat3(root, rel, "");
    char *text = tu_read_file(p, NULL);
    if (!text)
        fail_msg("%s: not written", p);
    free(p);
    return text;
}

/* The tcpl program under test: $TCPL_BIN, or build/tcpl. */
static const char *tcpl_bin(void)
{
    const char *bin = getenv("TCPL_BIN");
    return bin && *bin ? bin : "build/tcpl";
}

static void sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

/* A DOCX with body as its document.xml body, through the skeleton and
 * tools/pack the samples use. */
static void make_docx(const char *path, const char *body)
{
    char *tmp = cat3(root, "/.pack", "");
    sh("rm -rf '%s' && mkdir -p '%s/word' && cp -R samples/dossiers/_khung/. '%s/'", tmp, tmp, tmp);
    char *doc = cat3(tmp, "/word/document.xml", "");
    char *xml = cat3("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://"
                     "schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
                     body, "</w:body></w:document>");
    put(doc, xml, strlen(xml));
    sh("build/tools/pack '%s' '%s'", tmp, path);
    free(xml);
    free(doc);
    free(tmp);
}

static const char *para(const char *text, char *buf, size_t size)
{
    snprintf(buf, size, "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>", text);
    return buf;
}

/* The same name in NFC and in NFD (the bytes macOS writes), in capitals,
 * with and without diacritics, with spaces, dashes and underscores. */
static void test_names(void **state)
{
    (void)state;
    char *dir = cat3(root, "/names", "");
    sh("mkdir -p '%s/Tài liệu kiểm chứng'", dir);
    const char *names[] = {
        "BIÊN BẢN HỌP ĐÁNH GIÁ.pdf",                        /* capitals, NFC */
        "Bie\xcc\x82\xcc\x81n ba\xcc\x89n ho\xcc\xa3p.pdf", /* "Biên bản họp", NFD */
        "to-trinh_de-nghi.PDF",                             /* no diacritics, dashes */
        "Danh  mục   văn bản.xlsx",                         /* runs of spaces */
        "Tài liệu kiểm chứng/ảnh hội nghị.jpg",             /* proved by its folder */
        "Biên lai.pdf",           /* no item: biên lai is not biên bản */
        "Phan cong nhiem vu.doc", /* a .doc matches by name too */
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *p = cat3(dir, "/", names[i]);
        put(p, "x", 1);
        free(p);
    }
    tcpl_dossier *d = run_dir(dir, NULL);
    const tcpl_dossier_item *hop = item(d, "HS-BIEN-BAN-HOP");
    assert_int_equal(hop->nfiles, 2);
    assert_string_equal(hop->files[0], "BIÊN BẢN HỌP ĐÁNH GIÁ.pdf");
    assert_string_equal(hop->files[1], names[1]);
    /* found, but only as scans: its content could not be checked */
    assert_int_equal(hop->status, TCPL_DOSSIER_FOUND);
    assert_int_equal(hop->checked, 0);
    assert_int_equal(item(d, "HS-TO-TRINH")->status, TCPL_DOSSIER_FOUND);
    assert_string_equal(item(d, "HS-DANH-MUC")->file, "Danh  mục   văn bản.xlsx");
    assert_string_equal(item(d, "HS-MINH-CHUNG")->file, "Tài liệu kiểm chứng/ảnh hội nghị.jpg");
    assert_string_equal(item(d, "HS-PHAN-CONG")->file, "Phan cong nhiem vu.doc");
    assert_int_equal(item(d, "HS-NIEM-YET")->status, TCPL_DOSSIER_MISSING);
    assert_int_equal(tcpl_dossier_unmatched_count(d), 1);
    assert_string_equal(tcpl_dossier_unmatched(d, 0), "Biên lai.pdf");
    char *txt = NULL;
    size_t len;
    assert_int_equal(tcpl_dossier_text(&txt, &len, d, NULL), 0);
    TU_ASSERT_CONTAINS(txt, "[Thiếu] HS-NIEM-YET");
    TU_ASSERT_CONTAINS(txt, "không phải .docx, chưa kiểm tra nội dung");
    free(txt);
    tcpl_dossier_free(d);
    free(dir);
}

/* Posting records: each requirement is reported by its own rule; a score
 * table whose total is wrong fails the item with the table-sum message. */
static void test_content_and_tables(void **state)
{
    (void)state;
    char *dir = cat3(root, "/content", "");
    sh("mkdir -p '%s'", dir);
    char p1[512], p2[512], body[2048];
    /* posted, but the score summary is not among what was posted */
    snprintf(body, sizeof body, "%s%s",
             para("Hôm nay, ngày 26/10/2025, Ủy ban nhân dân xã niêm yết công khai tại trụ sở:", p1,
                  sizeof p1),
             para("Dự thảo báo cáo kết quả đánh giá.", p2, sizeof p2));
    char *ny = cat3(dir, "/Bien ban niem yet.docx", "");
    make_docx(ny, body);
    /* a score table: 10 + 5 written as 16 */
    const char *tbl =
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Chỉ "
        "tiêu</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Điểm đạt</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Chỉ tiêu "
        "1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>10</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Chỉ tiêu "
        "2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>Tổng cộng</w:t></w:r></w:p></w:tc><w:tc><w:p>"
        "<w:r><w:t>16</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>";
    char *bd = cat3(dir, "/Bảng điểm.docx", "");
    make_docx(bd, tbl);
    tcpl_dossier *d = run_dir(dir, NULL);
    const tcpl_dossier_item *it = item(d, "HS-NIEM-YET");
    assert_int_equal(it->status, TCPL_DOSSIER_FAILING);
    assert_string_equal(it->rule, "HS-NY-BANG-DIEM");
    assert_string_equal(it->file, "Bien ban niem yet.docx");
    it = item(d, "HS-BANG-DIEM");
    assert_int_equal(it->status, TCPL_DOSSIER_FAILING);
    assert_string_equal(it->rule, "BD-TONG");
    TU_ASSERT_CONTAINS(it->reason, "ghi 16, cộng các dòng được 15");
    char *js = NULL;
    size_t len;
    assert_int_equal(tcpl_dossier_json(&js, &len, d, 0, NULL), 0);
    TU_ASSERT_CONTAINS(js, "\"rule\":\"BD-TONG\",\"severity\":\"loi\",\"category\":\"arithmetic\"");
    free(js);
    tcpl_dossier_free(d);
    free(ny);
    free(bd);
    free(dir);
}

/* Deep nesting, a link loop, 10,000 empty files and a corrupt DOCX: the
 * walk stops at its limits, says so, and names the corrupt file. */
static void test_hostile(void **state)
{
    (void)state;
    char *dir = cat3(root, "/hostile", "");
    sh("mkdir -p '%s/many' && cd '%s' && ln -s . loop && ln -s /etc etc-link", dir, dir);
    /* 40 levels, a file at the bottom */
    char deep[2048];
    int n = snprintf(deep, sizeof deep, "%s", dir);
    for (int i = 0; i < 40; i++)
        n += snprintf(deep + n, sizeof deep - (size_t)n, "/d");
    sh("mkdir -p '%s' && touch '%s/Biên bản niêm yết.docx'", deep, deep);
    char *corrupt = cat3(dir, "/Biên bản họp đánh giá.docx", "");
    static const char junk[] = "PK\x03\x04 not really a zip";
    put(corrupt, junk, sizeof junk - 1);
    /* a bounded walk first: 10,000 files but a limit of 300 */
    for (int i = 0; i < 10000; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/many/f%05d", dir, i);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        close(fd);
    }
    tcpl_dossier_options o = {300, 8};
    tcpl_dossier *d = run_dir(dir, &o);
    assert_int_equal(tcpl_dossier_truncated(d), 1);
    assert_int_equal(tcpl_dossier_files_seen(d), 300);
    assert_true(tcpl_dossier_unmatched_count(d) <= 300);
    const tcpl_dossier_item *it = item(d, "HS-BIEN-BAN-HOP");
    assert_int_equal(it->status, TCPL_DOSSIER_FAILING);
    TU_ASSERT_CONTAINS(it->reason, "không đọc được tệp");
    /* the file below 40 levels was never reached */
    assert_int_equal(item(d, "HS-NIEM-YET")->status, TCPL_DOSSIER_MISSING);
    int link = 0, depth = 0, limit = 0;
    for (size_t i = 0; i < tcpl_dossier_note_count(d); i++) {
        const char *s = tcpl_dossier_note(d, i);
        link += strstr(s, "loop: liên kết tượng trưng") != NULL ||
                strstr(s, "etc-link: liên kết tượng trưng") != NULL;
        depth += strstr(s, "quá 8 mức") != NULL;
        limit += strstr(s, "dừng sau 300 tệp") != NULL;
    }
    assert_int_equal(link, 2);
    assert_int_equal(depth, 1);
    assert_int_equal(limit, 1);
    tcpl_dossier_free(d);
    /* the defaults: 5,000 entries */
    d = run_dir(dir, NULL);
    assert_int_equal(tcpl_dossier_files_seen(d), TCPL_DOSSIER_MAX_FILES);
    assert_int_equal(tcpl_dossier_truncated(d), 1);
    tcpl_dossier_free(d);
    free(corrupt);
    free(dir);
}

static int run_cli(const char *args, char **out)
{
    char cmd[2048], *o = cat3(root, "/cli.out", "");
    snprintf(cmd, sizeof cmd, "TCPL_LANG= %s %s > '%s' 2>&1", tcpl_bin(), args, o);
    int st = system(cmd);
    *out = tu_read_file(o, NULL);
    assert_non_null(*out);
    free(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_batch_and_conclude(void **state)
{
    (void)state;
    char *out = NULL, args[1024];
    snprintf(args, sizeof args, "batch --dossiers build/samples/dossiers --out '%s/b' -q", root);
    assert_int_equal(run_cli(args, &out), 1); /* two communes are incomplete */
    free(out);
    char *csv = read_out("/b/summary.csv");
    TU_ASSERT_CONTAINS(csv, "\"xa-an-hoa\",8,7,1,0,1,\"incomplete\",\"HS-NIEM-YET:");
    TU_ASSERT_CONTAINS(csv, "\"xa-phu-thinh\",8,8,0,0,0,\"complete\"");
    TU_ASSERT_CONTAINS(csv, "\"xa-tan-lap\",8,7,0,1,0,\"incomplete\",\"\",\"HS-BIEN-BAN-HOP:");
    free(csv);
    char *html = read_out("/b/report.html");
    TU_ASSERT_CONTAINS(html, "href=\"results/xa-an-hoa.html\"");
    TU_ASSERT_CONTAINS(html, "href=\"results/xa-phu-thinh.html\"");
    TU_ASSERT_CONTAINS(html, "href=\"results/xa-tan-lap.html\"");
    free(html);
    /* the JSON feeds tcpl conclude: the missing posting record is a shortcoming */
    snprintf(args, sizeof args,
             "dossier build/samples/dossiers/xa-an-hoa --format json --out '%s/one'", root);
    assert_int_equal(run_cli(args, &out), 1);
    free(out);
    snprintf(args, sizeof args, "conclude '%s/one/dossier.json' -o '%s/kl.docx'", root, root);
    int rc = run_cli(args, &out);
    if (rc != 0)
        fail_msg("conclude: %s", out);
    free(out);
    snprintf(args, sizeof args, "text '%s/kl.docx'", root);
    assert_int_equal(run_cli(args, &out), 0);
    TU_ASSERT_CONTAINS(out, "Hồ sơ chưa có Biên bản niêm yết công khai");
    free(out);
    /* a folder that is not there: exit 3, said plainly */
    assert_int_equal(run_cli("dossier /nonexistent/xa", &out), 3);
    TU_ASSERT_CONTAINS(out, "không phải thư mục hồ sơ");
    free(out);
}

static ino_t inode_of(const char *dir, const char *name)
{
    char *p = cat3(dir, "/results/", name);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    free(p);
    return st.st_ino;
}

/* batch --dossiers on threads: the outputs of --jobs 1 and --jobs 2 are the
 * same bytes; a rerun reuses each commune whose folder and pack are
 * unchanged (its result files are not rewritten) and rechecks the one
 * whose folder changed; a roster lists who has no dossier folder. */
static void test_batch_dossiers_jobs_reuse_roster(void **state)
{
    (void)state;
    sh("rm -rf '%s/dz' && mkdir -p '%s/dz' && cp -r build/samples/dossiers/. '%s/dz/' && "
       "printf 'unit,contact\\nXa An Hoa,an@hoa.vn\\nxa  phu-thinh,\\nXa Tan Lap,\\n"
       "Xã Không Có,kc@x.vn\\n' > '%s/units.csv'",
       root, root, root, root);
    char args[1024], *out = NULL;
    snprintf(args, sizeof args,
             "batch --dossiers '%s/dz' --out '%s/j1' --jobs 1 --roster '%s/units.csv' -q", root,
             root, root);
    assert_int_equal(run_cli(args, &out), 1);
    free(out);
    snprintf(args, sizeof args,
             "batch --dossiers '%s/dz' --out '%s/j2' --jobs 2 --roster '%s/units.csv' -q", root,
             root, root);
    assert_int_equal(run_cli(args, &out), 1);
    free(out);
    sh("diff -r '%s/j1' '%s/j2'", root, root); /* sh fails the test on a difference */
    char *csv = read_out("/j1/roster.csv");
    TU_ASSERT_CONTAINS(csv, "\"Xa An Hoa\",\"an@hoa.vn\",\"found\",\"xa-an-hoa\"");
    TU_ASSERT_CONTAINS(csv, "\"found\",\"xa-phu-thinh\"");
    TU_ASSERT_CONTAINS(csv, "\"Xã Không Có\",\"kc@x.vn\",\"missing\",\"\"");
    free(csv);
    char *html = read_out("/j1/report.html");
    TU_ASSERT_CONTAINS(html, "chưa có thư mục hồ sơ");
    TU_ASSERT_CONTAINS(html, "<td>Xã Không Có</td>");
    free(html);
    /* a rerun: nothing changed, nothing rewritten */
    char *j1 = cat3(root, "/j1", "");
    ino_t an = inode_of(j1, "xa-an-hoa.json"), tl = inode_of(j1, "xa-tan-lap.html");
    snprintf(args, sizeof args,
             "batch --dossiers '%s/dz' --out '%s/j1' --jobs 2 --roster '%s/units.csv'", root, root,
             root);
    assert_int_equal(run_cli(args, &out), 1);
    TU_ASSERT_CONTAINS(out, "3 dùng lại");
    free(out);
    assert_true(inode_of(j1, "xa-an-hoa.json") == an);
    assert_true(inode_of(j1, "xa-tan-lap.html") == tl);
    sh("diff -r '%s/j1' '%s/j2'", root, root);
    /* one file of one commune touched: that commune is checked again */
    sh("f=$(find '%s/dz/xa-tan-lap' -type f | head -1) && touch -d '2020-01-02 03:04:05' \"$f\"",
       root);
    assert_int_equal(run_cli(args, &out), 1);
    TU_ASSERT_CONTAINS(out, "2 dùng lại");
    free(out);
    assert_true(inode_of(j1, "xa-an-hoa.json") == an);
    assert_true(inode_of(j1, "xa-tan-lap.html") != tl);
    /* the same outputs; only the changed commune's fingerprint differs */
    sh("diff -r -x '*.state' '%s/j1' '%s/j2'", root, root);
    free(j1);
}

/* --convert-doc: without soffice the .doc stays skipped and the user is
 * told what to install; with soffice (skipped when absent) the converted
 * file is checked. */
static void test_convert_doc(void **state)
{
    (void)state;
    char *in = cat3(root, "/docs", "");
    sh("mkdir -p '%s' && printf 'KẾ HOẠCH\\nTriển khai xây dựng xã đạt chuẩn tiếp cận pháp luật\\n' "
       "> '%s/Ke hoach cu.doc'",
       in, in);
    char *empty = cat3(root, "/nobin", "");
    sh("mkdir -p '%s'", empty);
    char *out = NULL, args[1024];
    snprintf(args, sizeof args, "PATH='%s' %s batch '%s' --out '%s/c1' --convert-doc -q", empty,
             tcpl_bin(), in, root);
    char cmd[1200], *o = cat3(root, "/conv.out", "");
    snprintf(cmd, sizeof cmd, "env %s > '%s' 2>&1", args, o);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    out = tu_read_file(o, NULL);
    assert_non_null(out);
    TU_ASSERT_CONTAINS(out, "không tìm thấy soffice");
    TU_ASSERT_CONTAINS(out, "cài LibreOffice");
    free(out);
    char *csv = read_out("/c1/summary.csv");
    TU_ASSERT_CONTAINS(csv, "Ke hoach cu.doc\",\"\",\"\",\"\",\"\",0,0,0,\"skipped\"");
    TU_ASSERT_CONTAINS(csv, "--convert-doc");
    free(csv);
    /* a stand-in soffice (copies a sample plan): the converted file stands
     * for the .doc, under the .doc's name with a note, and the .doc is not
     * listed as skipped beside it */
    char *fake = cat3(root, "/fakebin", "");
    sh("mkdir -p '%s' && printf '#!/bin/sh\nwhile [ $# -gt 1 ]; do [ \"$1\" = --outdir ] && d=$2; "
       "shift; done\nb=$(basename \"$1\" .doc)\ncp '%s/build/samples/kh-xa-2025.docx' "
       "\"$d/$b.docx\"\n' > '%s/soffice' && chmod +x '%s/soffice'",
       fake, getenv("PWD") ? getenv("PWD") : ".", fake, fake);
    snprintf(cmd, sizeof cmd,
             "env PATH='%s:/usr/bin:/bin' %s batch '%s' --out '%s/c3' --convert-doc -q "
             "> '%s' 2>&1",
             fake, tcpl_bin(), in, root, o);
    st = system(cmd);
    assert_true(WIFEXITED(st));
    csv = read_out("/c3/summary.csv");
    TU_ASSERT_CONTAINS(csv, "Ke hoach cu.doc\",\"");
    TU_ASSERT_CONTAINS(csv, "chuyển từ .doc bằng LibreOffice");
    assert_null(strstr(csv, "\"skipped\""));
    assert_null(strstr(csv, "/c3/converted/"));
    /* one row: the header and the converted .doc */
    size_t rows = 0;
    for (const char *q = csv; (q = strstr(q, "\r\n")) != NULL; q += 2)
        rows++;
    assert_int_equal(rows, 2);
    free(csv);
    char *html = read_out("/c3/report.html");
    TU_ASSERT_CONTAINS(html, "Ke hoach cu.doc");
    TU_ASSERT_CONTAINS(html, "chuyển từ .doc bằng LibreOffice");
    assert_null(strstr(html, "Ke hoach cu.docx"));
    free(html);
    char *jl = read_out("/c3/summary.jsonl");
    TU_ASSERT_CONTAINS(jl, "\"result\":\"results/Ke hoach cu-");
    free(jl);
    /* --jobs 2: two conversions at once.  The stand-in converting "a.doc"
     * waits (up to 20 s) for the one converting "b.doc" to have started and
     * the other way round, and fails if it never does: converting one at a
     * time fails whichever comes first. */
    sh("mkdir -p '%s/two' && printf 'x' > '%s/two/a.doc' && printf 'y' > '%s/two/b.doc' && "
       "printf '#!/bin/sh\nwhile [ $# -gt 1 ]; do [ \"$1\" = --outdir ] && d=$2; shift; done\n"
       "b=$(basename \"$1\" .doc)\ntouch '%s/started-'$b\no=a; [ $b = a ] && o=b; i=0; "
       "while [ ! -e '%s/started-'$o ]; do i=$((i+1)); [ $i -gt 200 ] && exit 1; sleep 0.1; done\n"
       "cp '%s/build/samples/kh-xa-2025.docx' \"$d/$b.docx\"\n' > '%s/soffice'",
       root, root, root, fake, fake, getenv("PWD") ? getenv("PWD") : ".", fake);
    snprintf(cmd, sizeof cmd,
             "env PATH='%s:/usr/bin:/bin' %s batch '%s/two' --out '%s/c4' --convert-doc --jobs 2 "
             "-q > '%s' 2>&1",
             fake, tcpl_bin(), root, root, o);
    st = system(cmd);
    assert_true(WIFEXITED(st));
    csv = read_out("/c4/summary.csv");
    TU_ASSERT_CONTAINS(csv, "/two/a.doc\",\"");
    TU_ASSERT_CONTAINS(csv, "/two/b.doc\",\"");
    assert_null(strstr(csv, "\"skipped\""));
    free(csv);
    free(fake);
    if (system("command -v soffice >/dev/null 2>&1") != 0) {
        free(o);
        free(empty);
        free(in);
        TU_SKIP("soffice (LibreOffice) is not installed");
    }
    snprintf(args, sizeof args, "batch '%s' --out '%s/c2' --convert-doc -q", in, root);
    run_cli(args, &out);
    free(out);
    csv = read_out("/c2/summary.csv");
    TU_ASSERT_CONTAINS(csv, "chuyển từ .doc bằng LibreOffice");
    assert_null(strstr(csv, "\"skipped\""));
    assert_null(strstr(csv, "/c2/converted/"));
    free(csv);
    free(o);
    free(empty);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_missing_item),
        cmocka_unit_test(test_minutes_without_village_heads),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_content_and_tables),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_cli_batch_and_conclude),
        cmocka_unit_test(test_batch_dossiers_jobs_reuse_roster),
        cmocka_unit_test(test_convert_doc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
