/* Seeds for fuzz_xml cut from a real DOCX: seed_xml IN.docx OUTPREFIX
 * writes OUTPREFIX-N, each '0' + a slice of the body's top-level elements
 * + 0x01 + styles + 0x01 + numbering + 0x01 + footnotes, every piece the
 * inside of its root element (the harness wraps it again).  Slices end on
 * element boundaries so every seed is well-formed; they are small because
 * a small input runs many times faster.  Built and run by tools/fuzz.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* Bytes of body per seed, and of each other part (the tail is dropped at
 * an element boundary). */
enum { BODY_SLICE = 12000, PART_CAP = 12000, MAX_SEEDS = 16 };

static char *read_entry(zip_t *za, const char *name, size_t *len)
{
    zip_stat_t st;
    *len = 0;
    if (zip_stat(za, name, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > 50000000)
        return NULL;
    zip_file_t *f = zip_fopen(za, name, 0);
    char *p = f ? malloc(st.size + 1) : NULL;
    if (p && zip_fread(f, p, st.size) == (zip_int64_t)st.size) {
        p[st.size] = 0;
        *len = st.size;
    } else {
        free(p);
        p = NULL;
    }
    if (f)
        zip_fclose(f);
    return p;
}

/* The inside of the first element whose name is tag ("w:body"): [*b, *e). */
static int inner(const char *s, const char *tag, const char **b, const char **e)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *o = s;
    while ((o = strstr(o, open)) && o[strlen(open)] != '>' && o[strlen(open)] != ' ')
        o++;
    if (!o || !(o = strchr(o, '>')))
        return -1;
    if (o[-1] == '/') {
        *b = *e = o + 1;
        return 0;
    }
    const char *c = strstr(o, close);
    if (!c)
        return -1;
    *b = o + 1;
    *e = c;
    return 0;
}

/* The ends of the top-level elements in [b, e), by counting tags. */
static size_t boundaries(const char *b, const char *e, const char **out, size_t max)
{
    size_t n = 0;
    int depth = 0;
    for (const char *p = b; p < e && n < max; p++) {
        if (*p != '<')
            continue;
        const char *gt = memchr(p, '>', (size_t)(e - p));
        if (!gt)
            break;
        if (p[1] == '/')
            depth--;
        else if (p[1] != '?' && p[1] != '!' && gt[-1] != '/')
            depth++;
        p = gt;
        if (depth == 0)
            out[n++] = gt + 1;
    }
    return n;
}

/* The longest prefix of [b, e) ending on a top-level boundary within cap. */
static size_t capped(const char *b, const char *e, size_t cap)
{
    static const char *ends[100000];
    size_t n = boundaries(b, e, ends, sizeof ends / sizeof *ends), best = 0;
    for (size_t i = 0; i < n && (size_t)(ends[i] - b) <= cap; i++)
        best = (size_t)(ends[i] - b);
    return best;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: seed_xml IN.docx OUTPREFIX\n");
        return 2;
    }
    int ze;
    zip_t *za = zip_open(argv[1], ZIP_RDONLY, &ze);
    if (!za)
        return 1;
    static const char *const names[4] = {"word/document.xml", "word/styles.xml",
                                         "word/numbering.xml", "word/footnotes.xml"};
    static const char *const roots[4] = {"w:body", "w:styles", "w:numbering", "w:footnotes"};
    char *part[4];
    const char *b[4], *e[4];
    for (int i = 0; i < 4; i++) {
        size_t len;
        part[i] = read_entry(za, names[i], &len);
        b[i] = e[i] = "";
        if (part[i] && inner(part[i], roots[i], &b[i], &e[i]) < 0)
            b[i] = e[i] = "";
        if (i > 0)
            e[i] = b[i] + capped(b[i], e[i], PART_CAP);
    }
    zip_close(za);
    if (b[0] == e[0])
        return 1;

    static const char *ends[100000];
    size_t n = boundaries(b[0], e[0], ends, sizeof ends / sizeof *ends);
    const char *from = b[0];
    int seeds = 0;
    for (size_t i = 0; i < n && seeds < MAX_SEEDS; i++) {
        int last = i + 1 == n;
        if (!last && (size_t)(ends[i + 1] - from) <= BODY_SLICE)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s-%d", argv[2], seeds++);
        FILE *f = fopen(path, "wb");
        if (!f)
            return 1;
        fputc('0', f);
        fwrite(from, 1, (size_t)(ends[i] - from), f);
        for (int k = 1; k < 4; k++) {
            fputc(1, f);
            fwrite(b[k], 1, (size_t)(e[k] - b[k]), f);
        }
        fclose(f);
        from = ends[i];
    }
    for (int i = 0; i < 4; i++)
        free(part[i]);
    return 0;
}
