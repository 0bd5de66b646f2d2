/* Dossier packs: YAML (docs/rules.md "Dossier packs") -> items, validated as
 * they load: an unknown key, an item without id or names, a phrase list too
 * long, or a table pack that does not load is TCPL_ERR_DATA with the file
 * and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/data.h"
#include "base/error.h"
#include "base/io.h"
#include "dossier/dossier.h"

/* A pack file named by path: a pack is a few KB. */
#define DOSSIER_PACK_FILE_MAX (1u << 20)

typedef struct loader {
    tcpl_dossier_pack *p;
    tcpl_yaml y;
    const char *file;
    tcpl_error *err;
} loader;

static int bad(loader *l, yaml_node_t *n, const char *what)
{
    char where[64];
    snprintf(where, sizeof where, "%d:%d", n ? (int)n->start_mark.line + 1 : 0,
             n ? (int)n->start_mark.column + 1 : 0);
    return tcpl_err(l->err, TCPL_ERR_DATA, "err.pack_invalid", l->file, where, "%s", what);
}

static const char *str(loader *l, yaml_node_t *n)
{
    const char *s = tcpl_yaml_str(n);
    return s ? tcpl_arena_strdup(&l->p->arena, s) : NULL;
}

/* Keys a mapping may have: anything else is a typo the user must hear of. */
static int keys_ok(loader *l, yaml_node_t *map, const char *const *keys)
{
    for (size_t i = 0; i < tcpl_yaml_map_len(map); i++) {
        yaml_node_t *k = tcpl_yaml_map_key(&l->y, map, i);
        const char *s = tcpl_yaml_str(k);
        size_t j = 0;
        while (keys[j] && (!s || strcmp(keys[j], s)))
            j++;
        if (!keys[j]) {
            char what[160];
            snprintf(what, sizeof what, "unknown key '%.100s'", s ? s : "?");
            return bad(l, k, what);
        }
    }
    return 0;
}

/* {vi: ..., en: ...} or one string for both. */
static int text(loader *l, yaml_node_t *n, const char **vi, const char **en, const char *what)
{
    if (!n)
        return bad(l, n, what);
    if (n->type == YAML_SCALAR_NODE) {
        *vi = *en = str(l, n);
        return *vi ? 0 : TCPL_NOMEM(l->err, l->file);
    }
    static const char *const keys[] = {"vi", "en", NULL};
    int rc = keys_ok(l, n, keys);
    if (rc < 0)
        return rc;
    *vi = str(l, tcpl_yaml_get(&l->y, n, "vi"));
    *en = str(l, tcpl_yaml_get(&l->y, n, "en"));
    if (!*vi)
        return bad(l, n, what);
    if (!*en)
        *en = *vi;
    return 0;
}

/* A list of phrases (or one), folded, into the arena. */
static int phrases(loader *l, yaml_node_t *n, const char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!n)
        return 0;
    size_t k = n->type == YAML_SCALAR_NODE ? 1 : tcpl_yaml_len(n);
    if (n->type != YAML_SCALAR_NODE && n->type != YAML_SEQUENCE_NODE)
        return bad(l, n, "expected a list of phrases");
    if (k > DOSSIER_MAX_PHRASES)
        return bad(l, n, "list too long (over 100 phrases)");
    const char **v = tcpl_arena_alloc(&l->p->arena, (k ? k : 1) * sizeof *v);
    if (!v)
        return TCPL_NOMEM(l->err, l->file);
    for (size_t i = 0; i < k; i++) {
        yaml_node_t *it = n->type == YAML_SCALAR_NODE ? n : tcpl_yaml_item(&l->y, n, i);
        const char *s = tcpl_yaml_str(it);
        if (!s)
            return bad(l, it, "expected a phrase (a string)");
        char *f = dz_fold(s, strlen(s));
        if (!f)
            return TCPL_NOMEM(l->err, l->file);
        if (!strcmp(f, " ") || !*f) {
            free(f);
            return bad(l, it, "a phrase needs a letter or digit");
        }
        v[i] = tcpl_arena_strdup(&l->p->arena, f);
        free(f);
        if (!v[i])
            return TCPL_NOMEM(l->err, l->file);
    }
    *out = v;
    *count = k;
    return 0;
}

static int load_item(loader *l, yaml_node_t *n, ditem *it)
{
    static const char *const keys[] = {"id",      "description", "proves", "names",
                                       "folders", "content",     "tables", NULL};
    if (!n || n->type != YAML_MAPPING_NODE)
        return bad(l, n, "an item is a mapping (id, description, proves, names, ...)");
    int rc = keys_ok(l, n, keys);
    if (rc < 0)
        return rc;
    if (!(it->id = str(l, tcpl_yaml_get(&l->y, n, "id"))))
        return bad(l, n, "an item needs an id");
    if ((rc = text(l, tcpl_yaml_get(&l->y, n, "description"), &it->desc_vi, &it->desc_en,
                   "an item needs a description")) < 0)
        return rc;
    it->proves = str(l, tcpl_yaml_get(&l->y, n, "proves"));
    if (!it->proves)
        it->proves = "";
    if ((rc = phrases(l, tcpl_yaml_get(&l->y, n, "names"), &it->names, &it->nnames)) < 0 ||
        (rc = phrases(l, tcpl_yaml_get(&l->y, n, "folders"), &it->folders, &it->nfolders)) < 0)
        return rc;
    if (!it->nnames && !it->nfolders)
        return bad(l, n, "an item needs names (or folders) to find its files by");
    yaml_node_t *t = tcpl_yaml_get(&l->y, n, "tables");
    if (t && !(it->tables = str(l, t)))
        return bad(l, t, "tables names one rule pack (a string)");
    yaml_node_t *c = tcpl_yaml_get(&l->y, n, "content");
    if (!c)
        return 0;
    if (c->type != YAML_SEQUENCE_NODE || tcpl_yaml_len(c) > DOSSIER_MAX_PHRASES)
        return bad(l, c, "content is a list of requirements (id, any, message)");
    it->nreqs = tcpl_yaml_len(c);
    it->reqs = tcpl_arena_alloc(&l->p->arena, (it->nreqs ? it->nreqs : 1) * sizeof *it->reqs);
    if (!it->reqs)
        return TCPL_NOMEM(l->err, l->file);
    for (size_t i = 0; i < it->nreqs; i++) {
        static const char *const rkeys[] = {"id", "any", "message", NULL};
        yaml_node_t *r = tcpl_yaml_item(&l->y, c, i);
        dreq *q = &it->reqs[i];
        if (!r || r->type != YAML_MAPPING_NODE)
            return bad(l, r, "a content requirement is a mapping (id, any, message)");
        if ((rc = keys_ok(l, r, rkeys)) < 0)
            return rc;
        if (!(q->id = str(l, tcpl_yaml_get(&l->y, r, "id"))))
            return bad(l, r, "a content requirement needs an id");
        if ((rc = phrases(l, tcpl_yaml_get(&l->y, r, "any"), &q->any, &q->nany)) < 0)
            return rc;
        if (!q->nany)
            return bad(l, r,
                       "a content requirement needs `any`: the phrases one of which must appear");
        if ((rc = text(l, tcpl_yaml_get(&l->y, r, "message"), &q->msg_vi, &q->msg_en,
                       "a content requirement needs a message")) < 0)
            return rc;
    }
    return 0;
}

static int load(loader *l, const char *data, size_t len)
{
    int rc = tcpl_yaml_load_string(&l->y, data, len, l->file, l->err);
    if (rc < 0)
        return rc;
    yaml_node_t *root = tcpl_yaml_root(&l->y);
    static const char *const keys[] = {"dossier", "title", "basis", "items", NULL};
    if (!root || root->type != YAML_MAPPING_NODE)
        return bad(l, root, "a dossier pack is a mapping (dossier, title, basis, items)");
    if ((rc = keys_ok(l, root, keys)) < 0)
        return rc;
    tcpl_dossier_pack *p = l->p;
    if (!(p->id = str(l, tcpl_yaml_get(&l->y, root, "dossier"))))
        return bad(l, root, "a dossier pack needs `dossier:` (its id)");
    p->title = str(l, tcpl_yaml_get(&l->y, root, "title"));
    p->basis = str(l, tcpl_yaml_get(&l->y, root, "basis"));
    if (!p->title)
        p->title = p->id;
    if (!p->basis)
        p->basis = "";
    yaml_node_t *items = tcpl_yaml_get(&l->y, root, "items");
    p->nitems = tcpl_yaml_len(items);
    if (!p->nitems)
        return bad(l, root, "a dossier pack needs `items:` (a list)");
    if (p->nitems > DOSSIER_MAX_ITEMS)
        return bad(l, items, "too many items (over 200)");
    p->items = tcpl_arena_alloc(&p->arena, p->nitems * sizeof *p->items);
    if (!p->items)
        return TCPL_NOMEM(l->err, l->file);
    int tables = 0;
    for (size_t i = 0; i < p->nitems; i++) {
        if ((rc = load_item(l, tcpl_yaml_item(&l->y, items, i), &p->items[i])) < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(p->items[j].id, p->items[i].id))
                return bad(l, tcpl_yaml_item(&l->y, items, i), "two items have the same id");
        tables |= p->items[i].tables != NULL;
    }
    if (!tables)
        return 0;
    if ((rc = tcpl_extractor_new(&p->ex, p->ctx, l->err)) < 0 ||
        (rc = tcpl_checker_new(&p->ck, p->ctx, l->err)) < 0)
        return rc;
    for (size_t i = 0; i < p->nitems; i++)
        if (p->items[i].tables &&
            (rc = tcpl_checker_add_pack(p->ck, p->items[i].tables, l->err)) < 0)
            return rc;
    return 0;
}

int tcpl_dossier_pack_load(tcpl_dossier_pack **out, const tcpl_ctx *ctx, const char *name,
                           tcpl_error *err)
{
    if (!out || !ctx || !name || !*name)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_pack_load");
    *out = NULL;
    tcpl_dossier_pack *p = calloc(1, sizeof *p);
    if (!p)
        return TCPL_NOMEM(err, name);
    tcpl_arena_init(&p->arena);
    p->ctx = ctx;
    loader l;
    memset(&l, 0, sizeof l);
    l.p = p;
    l.file = name;
    l.err = err;
    size_t n = strlen(name);
    int rc;
    if (strchr(name, '/') || (n > 5 && !strcmp(name + n - 5, ".yaml"))) {
        char *data = NULL;
        size_t len = 0;
        rc = tcpl_read_small_file(&data, &len, name, DOSSIER_PACK_FILE_MAX, err);
        if (rc == TCPL_ERR_LIMIT)
            rc = tcpl_err(err, TCPL_ERR_DATA, "err.pack_invalid", name, NULL,
                          "file over 1 MB; a dossier pack is a few KB");
        if (rc == 0)
            rc = load(&l, data, len);
        free(data);
    } else {
        char file[160];
        snprintf(file, sizeof file, "%s.yaml", name);
        const char *data;
        size_t len;
        rc = tcpl_ctx_data(&data, &len, ctx, file, err);
        if (rc < 0)
            rc = tcpl_err(err, TCPL_ERR_USAGE, "err.pack_unknown", name, NULL, "%s", name);
        else {
            l.file = file;
            rc = load(&l, data, len);
        }
    }
    if (l.y.loaded)
        tcpl_yaml_free(&l.y);
    if (rc < 0) {
        tcpl_dossier_pack_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void tcpl_dossier_pack_free(tcpl_dossier_pack *p)
{
    if (!p)
        return;
    tcpl_checker_free(p->ck);
    tcpl_extractor_free(p->ex);
    tcpl_arena_free(&p->arena);
    free(p);
}

const char *tcpl_dossier_pack_id(const tcpl_dossier_pack *p)
{
    return p ? p->id : "";
}

size_t tcpl_dossier_pack_item_count(const tcpl_dossier_pack *p)
{
    return p ? p->nitems : 0;
}

const tcpl_ctx *tcpl_dossier_pack_ctx(const tcpl_dossier_pack *p)
{
    return p ? p->ctx : NULL;
}

int dz_en(const tcpl_ctx *ctx)
{
    return !strcmp(tcpl_ctx_lang(ctx), "en");
}

const char *dz_msg(tcpl_arena *a, const tcpl_ctx *ctx, const char *id, const char *detail)
{
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_msg_subst(&b, tcpl_msg(ctx, id), detail ? detail : "");
    const char *s = tcpl_buf_ok(&b) ? tcpl_arena_strndup(a, b.data ? b.data : "", b.len) : NULL;
    tcpl_buf_free(&b);
    return s;
}

char *dz_fold(const char *s, size_t n)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t k =
        utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
                     UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_putc(&b, ' ');
    int space = 1;
    if (k < 0) {
        /* Not UTF-8 (a file name in a legacy code page): ASCII letters and
         * digits only. */
        free(m);
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
                tcpl_buf_putc(&b, ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
                space = 0;
            } else if (!space) {
                tcpl_buf_putc(&b, ' ');
                space = 1;
            }
        }
    } else {
        for (utf8proc_ssize_t i = 0; i < k;) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t w = utf8proc_iterate(m + i, k - i, &cp);
            if (w <= 0)
                break;
            if (cp == 0x111 || cp == 0xF0) /* đ, and ð typed for it */
                cp = 'd';
            utf8proc_category_t cat = utf8proc_category(cp);
            int keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                       (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
            if (keep) {
                tcpl_buf_put_utf8(&b, (unsigned)cp);
                space = 0;
            } else if (!space) {
                tcpl_buf_putc(&b, ' ');
                space = 1;
            }
            i += w;
        }
        free(m);
    }
    if (!space)
        tcpl_buf_putc(&b, ' ');
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return NULL;
    }
    return tcpl_buf_detach(&b, NULL);
}
