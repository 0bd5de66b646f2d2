/* tcpl dump FILE [--json] — the document model, for people and programs. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *kind_name(tcpl_block_kind k)
{
    static const char *names[] = {"p", "table", "row", "cell", "textbox", "note"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* At most OUTLINE_TEXT bytes of a paragraph, cut between letters (never
 * inside a UTF-8 sequence), line breaks shown as spaces: one line a block. */
#define OUTLINE_TEXT 100
static void put_short(FILE *f, const char *s, size_t n)
{
    if (n > OUTLINE_TEXT) {
        n = OUTLINE_TEXT;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        fputc(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i], f);
}

/* One line per block, indented by depth: index, kind, style, label, text. */
static int outline(cli *c, const tcpl_doc *doc, const char *out)
{
    char *line = NULL;
    size_t cap = 0;
    FILE *mem = open_memstream(&line, &cap);
    if (!mem)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < tcpl_doc_block_count(doc); i++) {
        const tcpl_block *b = tcpl_doc_block(doc, i);
        fprintf(mem, "%5zu %*s%s", i, b->depth * 2, "", kind_name(b->kind));
        if (b->part != TCPL_PART_BODY)
            fprintf(mem, " [%s]", b->part_name);
        if (b->kind == TCPL_BLOCK_PARAGRAPH) {
            if (b->style_id[0])
                fprintf(mem, " {%s}", b->style_id);
            fprintf(mem, " %s%s", b->label, b->label[0] ? " " : "");
            put_short(mem, b->text, b->text_len);
            fputc('\n', mem);
        } else if (b->kind == TCPL_BLOCK_TABLE) {
            fprintf(mem, " %dx%d\n", b->rows, b->cols);
        } else {
            fprintf(mem, "\n");
        }
    }
    fclose(mem);
    int rc = cli_output(c, out, line, strlen(line));
    free(line);
    return rc;
}

int cmd_dump(cli *c, int argc, char **argv)
{
    enum { JSON = 1, PRETTY = 2 };
    unsigned mode = 0;
    const char *out = NULL;
    int nfiles;
    const cli_opt opts[] = {{"--json", NULL, &mode, JSON, NULL, NULL},
                            {"--pretty", NULL, &mode, JSON | PRETTY, NULL, NULL},
                            {"--output", "-o", NULL, 0, &out, "cli.value_file"},
                            {NULL, NULL, NULL, 0, NULL, NULL}};
    int r = cli_parse(c, argc, argv, opts, "help.dump", &nfiles);
    if (r >= 0)
        return r;
    if (nfiles > 1) {
        char n[32];
        snprintf(n, sizeof n, "%d", nfiles);
        return cli_usage(c, "cli.one_input", "tcpl dump", n);
    }
    if ((r = cli_check_output(c, out, argv + 1, nfiles)) >= 0)
        return r;
    const char *file = argv[1];
    int json = (mode & JSON) != 0, pretty = (mode & PRETTY) != 0;
    tcpl_error err;
    tcpl_error_clear(&err);
    tcpl_doc *doc = NULL;
    int rc;
    if (cli_read(c, &doc, file, CLI_NAME_ASIS, &err) < 0)
        return cli_report(c, &err);
    if (json) {
        char *s = NULL;
        size_t len = 0;
        if (tcpl_doc_json(&s, &len, doc, pretty ? TCPL_JSON_PRETTY : 0, &err) < 0)
            rc = cli_report(c, &err);
        else
            rc = cli_output(c, out, s, len);
        free(s);
    } else {
        rc = outline(c, doc, out);
    }
    tcpl_doc_free(doc);
    return rc;
}
