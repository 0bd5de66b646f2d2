/* A dossier run: the folder walked (bounded, links never followed), each
 * file's name and folders folded once, each item's files found by phrase,
 * then the content rules and table checks run over the item's DOCX until
 * one passes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/error.h"
#include "dossier/dossier.h"
#include "tcpl/docx.h"

/* One file of the folder. */
typedef struct dfile {
    char *rel;            /* path below the dossier root */
    char *name, *folders; /* folded: the base name without extension; the folders above it */
    int docx, matched;
} dfile;

typedef struct walker {
    tcpl_dossier *d;
    const tcpl_ctx *ctx;
    tcpl_vec files; /* dfile */
    size_t max_files;
    int max_depth;
    int nomem;
} walker;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void note(walker *w, const char *rel, const char *id, const char *detail)
{
    const char *m = dz_msg(&w->d->arena, w->ctx, id, detail);
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_printf(&b, "%s: %s", rel && *rel ? rel : ".", m ? m : id);
    const char **slot = tcpl_vec_push(&w->d->notes);
    const char *s = tcpl_buf_ok(&b) ? tcpl_arena_strndup(&w->d->arena, b.data, b.len) : NULL;
    tcpl_buf_free(&b);
    if (!slot || !s || !m)
        w->nomem = 1;
    else
        *slot = s;
}

static int has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    if (n <= e)
        return 0;
    for (size_t i = 0; i < e; i++) {
        char c = name[n - e + i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != ext[i])
            return 0;
    }
    return 1;
}

static void add_file(walker *w, const char *rel, const char *base, const char *folders)
{
    dfile *f = tcpl_vec_push(&w->files);
    if (!f) {
        w->nomem = 1;
        return;
    }
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    f->rel = strdup(rel);
    f->name = dz_fold(base, stem);
    f->folders = strdup(folders);
    f->docx = has_ext(base, ".docx") || has_ext(base, ".docm");
    if (!f->rel || !f->name || !f->folders)
        w->nomem = 1;
}

/* Walks abs (rel below the root; folders: the folded names of the folders
 * on the way).  Entries are read in sorted order so every run lists the same
 * files and stops at the same place when a limit is met. */
static void walk(walker *w, const char *abs, const char *rel, const char *folders, int depth)
{
    if (w->d->truncated || w->nomem)
        return;
    DIR *dir = opendir(abs);
    if (!dir) {
        note(w, rel, "dossier.note_dir", NULL);
        return;
    }
    tcpl_vec names = TCPL_VEC_INIT(char *);
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (w->d->seen >= w->max_files) {
            w->d->truncated = 1;
            break;
        }
        w->d->seen++;
        char **slot = tcpl_vec_push(&names);
        if (!slot || !(*slot = strdup(e->d_name))) {
            w->nomem = 1;
            break;
        }
    }
    closedir(dir);
    qsort(names.data, names.len, sizeof(char *), cmp_str);
    tcpl_buf pa, pr;
    tcpl_buf_init(&pa);
    tcpl_buf_init(&pr);
    for (size_t i = 0; i < names.len && !w->nomem; i++) {
        const char *nm = TCPL_VEC_AT(&names, char *, i);
        tcpl_buf_reset(&pa);
        tcpl_buf_reset(&pr);
        tcpl_buf_printf(&pa, "%s/%s", abs, nm);
        if (*rel)
            tcpl_buf_printf(&pr, "%s/%s", rel, nm);
        else
            tcpl_buf_puts(&pr, nm);
        if (!tcpl_buf_ok(&pa) || !tcpl_buf_ok(&pr)) {
            w->nomem = 1;
            break;
        }
        /* Word's lock files and hidden files are nobody's evidence. */
        if (nm[0] == '.' || !strncmp(nm, "~$", 2))
            continue;
        struct stat st;
        if (lstat(pa.data, &st) != 0) {
            note(w, pr.data, "dossier.note_unreadable", NULL);
        } else if (S_ISLNK(st.st_mode)) {
            note(w, pr.data, "dossier.note_link", NULL);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > w->max_depth) {
                char lim[16];
                snprintf(lim, sizeof lim, "%d", w->max_depth);
                note(w, pr.data, "dossier.note_depth", lim);
                continue;
            }
            char *f = dz_fold(nm, strlen(nm));
            tcpl_buf sub;
            tcpl_buf_init(&sub);
            tcpl_buf_puts(&sub, folders);
            if (f)
                tcpl_buf_puts(&sub, f + 1); /* " a b " + "c d " */
            free(f);
            if (!f || !tcpl_buf_ok(&sub)) {
                w->nomem = 1;
                tcpl_buf_free(&sub);
                break;
            }
            walk(w, pa.data, pr.data, sub.data, depth + 1);
            tcpl_buf_free(&sub);
        } else if (S_ISREG(st.st_mode)) {
            add_file(w, pr.data, nm, folders);
        } else {
            note(w, pr.data, "dossier.note_special", NULL);
        }
    }
    tcpl_buf_free(&pa);
    tcpl_buf_free(&pr);
    for (size_t i = 0; i < names.len; i++)
        free(TCPL_VEC_AT(&names, char *, i));
    tcpl_vec_free(&names);
}

static int any_in(const char *const *phrases, size_t n, const char *folded)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(folded, phrases[i]))
            return 1;
    return 0;
}

/* What one DOCX gives for an item: the requirements it passes, the first it
 * fails (or a reading error or a table Lỗi as the reason). */
typedef struct verdict {
    size_t passed;
    const char *rule, *reason; /* into the arena; NULL when it passes */
} verdict;

static int check_tables(tcpl_dossier *d, const ditem *it, const dfile *f, const tcpl_doc *doc,
                        verdict *v, tcpl_error *err)
{
    const tcpl_dossier_pack *p = d->p;
    tcpl_extraction *x = NULL;
    tcpl_findings *fs = NULL;
    int rc = tcpl_extract(&x, p->ex, doc, err);
    if (rc < 0)
        return rc;
    const char *packs[1] = {it->tables};
    tcpl_check_options o = {packs, 1, NULL, NULL};
    rc = tcpl_check(&fs, p->ck, doc, x, &o, err);
    for (size_t i = 0; rc == 0 && i < tcpl_findings_count(fs); i++) {
        const tcpl_finding *g = tcpl_findings_get(fs, i);
        if (g->category != TCPL_CAT_ARITHMETIC)
            continue;
        if (g->severity == TCPL_SEV_LOI && !v->reason) {
            v->rule = tcpl_arena_strdup(&d->arena, g->rule);
            v->reason = tcpl_arena_strdup(&d->arena, g->message);
            if (!v->rule || !v->reason)
                rc = TCPL_NOMEM(err, f->rel);
        }
        dfind *k = tcpl_vec_push(&d->finds);
        if (!k) {
            rc = TCPL_NOMEM(err, f->rel);
            break;
        }
        k->rule = tcpl_arena_strdup(&d->arena, g->rule);
        k->file = tcpl_arena_strdup(&d->arena, f->rel);
        k->message = tcpl_arena_strdup(&d->arena, g->message);
        k->basis = tcpl_arena_strdup(&d->arena, g->basis ? g->basis : "");
        k->severity = g->severity;
        k->category = g->category;
        k->item = (size_t)(it - p->items);
        if (!k->rule || !k->file || !k->message || !k->basis)
            rc = TCPL_NOMEM(err, f->rel);
    }
    tcpl_findings_free(fs);
    tcpl_extraction_free(x);
    return rc;
}

static int judge(tcpl_dossier *d, const ditem *it, const dfile *f, verdict *v, tcpl_error *err)
{
    const tcpl_ctx *ctx = d->p->ctx;
    int en = dz_en(ctx);
    memset(v, 0, sizeof *v);
    tcpl_buf path;
    tcpl_buf_init(&path);
    tcpl_buf_printf(&path, "%s/%s", d->dir, f->rel);
    if (!tcpl_buf_ok(&path))
        return TCPL_NOMEM(err, f->rel);
    tcpl_doc *doc = NULL;
    tcpl_error e;
    tcpl_error_clear(&e);
    int rc = tcpl_docx_read(&doc, ctx, path.data, &e);
    tcpl_buf_free(&path);
    if (rc == TCPL_ERR_NOMEM)
        return tcpl_err(err, rc, "err.nomem", f->rel, NULL, NULL);
    if (rc < 0) {
        char msg[1024];
        e.file[0] = 0; /* the item names the file already */
        tcpl_error_format(ctx, &e, msg, sizeof msg);
        v->rule = "";
        v->reason = dz_msg(&d->arena, ctx, "dossier.unreadable", msg);
        return v->reason ? 0 : TCPL_NOMEM(err, f->rel);
    }
    char *txt = NULL;
    size_t len = 0;
    rc = tcpl_doc_text(&txt, &len, doc, TCPL_TEXT_BODY, err);
    char *folded = rc == 0 ? dz_fold(txt, len) : NULL;
    free(txt);
    if (rc == 0 && !folded)
        rc = TCPL_NOMEM(err, f->rel);
    for (size_t i = 0; rc == 0 && i < it->nreqs; i++) {
        const dreq *q = &it->reqs[i];
        if (any_in(q->any, q->nany, folded)) {
            v->passed++;
        } else if (!v->reason) {
            v->rule = q->id;
            v->reason = en ? q->msg_en : q->msg_vi;
        }
    }
    free(folded);
    if (rc == 0 && it->tables && d->p->ck)
        rc = check_tables(d, it, f, doc, v, err);
    tcpl_doc_free(doc);
    return rc;
}

static int run_item(tcpl_dossier *d, const ditem *it, tcpl_dossier_item *out, dfile *files,
                    size_t n, tcpl_error *err)
{
    const tcpl_ctx *ctx = d->p->ctx;
    out->id = it->id;
    out->description = dz_en(ctx) ? it->desc_en : it->desc_vi;
    out->proves = it->proves;
    out->file = out->rule = out->reason = "";
    out->checked = 1;
    tcpl_vec m = TCPL_VEC_INIT(const char *);
    size_t first = n;
    for (size_t i = 0; i < n; i++) {
        dfile *f = &files[i];
        if (!any_in(it->names, it->nnames, f->name) &&
            !any_in(it->folders, it->nfolders, f->folders))
            continue;
        f->matched = 1;
        const char **slot = tcpl_vec_push(&m);
        if (!slot) {
            tcpl_vec_free(&m);
            return TCPL_NOMEM(err, d->dir);
        }
        *slot = tcpl_arena_strdup(&d->arena, f->rel);
        if (!*slot) {
            tcpl_vec_free(&m);
            return TCPL_NOMEM(err, d->dir);
        }
        if (first == n)
            first = i;
    }
    out->nfiles = m.len;
    const char **arr = tcpl_arena_alloc(&d->arena, (m.len ? m.len : 1) * sizeof *arr);
    if (!arr) {
        tcpl_vec_free(&m);
        return TCPL_NOMEM(err, d->dir);
    }
    if (m.len)
        memcpy(arr, m.data, m.len * sizeof *arr);
    out->files = arr;
    tcpl_vec_free(&m);
    if (!out->nfiles) {
        out->status = TCPL_DOSSIER_MISSING;
        return 0;
    }
    out->status = TCPL_DOSSIER_FOUND;
    out->file = arr[0];
    if (!it->nreqs && !it->tables)
        return 0;
    /* The DOCX among them, until one passes. */
    size_t reads = 0, best = 0;
    int have_best = 0;
    for (size_t i = first; i < n; i++) {
        dfile *f = &files[i];
        if (!f->docx || !(any_in(it->names, it->nnames, f->name) ||
                          any_in(it->folders, it->nfolders, f->folders)))
            continue;
        if (reads++ == DOSSIER_MAX_READS) {
            char lim[16];
            snprintf(lim, sizeof lim, "%d", DOSSIER_MAX_READS);
            const char *s = dz_msg(&d->arena, ctx, "dossier.note_reads", lim);
            const char **slot = tcpl_vec_push(&d->notes);
            tcpl_buf b;
            tcpl_buf_init(&b);
            tcpl_buf_printf(&b, "%s: %s", it->id, s ? s : "");
            const char *t = tcpl_buf_ok(&b) ? tcpl_arena_strndup(&d->arena, b.data, b.len) : NULL;
            tcpl_buf_free(&b);
            if (!slot || !s || !t)
                return TCPL_NOMEM(err, d->dir);
            *slot = t;
            break;
        }
        verdict v;
        int rc = judge(d, it, f, &v, err);
        if (rc < 0)
            return rc;
        if (!v.reason) {
            out->status = TCPL_DOSSIER_FOUND;
            out->file = tcpl_arena_strdup(&d->arena, f->rel);
            out->rule = out->reason = "";
            return out->file ? 0 : TCPL_NOMEM(err, d->dir);
        }
        if (!have_best || v.passed > best) {
            have_best = 1;
            best = v.passed;
            out->status = TCPL_DOSSIER_FAILING;
            out->file = tcpl_arena_strdup(&d->arena, f->rel);
            out->rule = v.rule;
            out->reason = v.reason;
            if (!out->file)
                return TCPL_NOMEM(err, d->dir);
        }
    }
    if (!reads)
        out->checked = 0; /* only scans or other formats: found, content unseen */
    return 0;
}

int tcpl_dossier_run(tcpl_dossier **out, const tcpl_dossier_pack *p, const char *dir,
                     const tcpl_dossier_options *opts, tcpl_error *err)
{
    if (!out || !p || !dir || !*dir)
        return tcpl_err(err, TCPL_ERR_USAGE, "err.usage", NULL, NULL, "tcpl_dossier_run");
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return tcpl_err(err, TCPL_ERR_IO, "dossier.not_dir", dir, NULL, NULL);
    tcpl_dossier *d = calloc(1, sizeof *d);
    if (!d)
        return TCPL_NOMEM(err, dir);
    tcpl_arena_init(&d->arena);
    tcpl_vec_init(&d->items, sizeof(tcpl_dossier_item));
    tcpl_vec_init(&d->unmatched, sizeof(const char *));
    tcpl_vec_init(&d->notes, sizeof(const char *));
    tcpl_vec_init(&d->finds, sizeof(dfind));
    d->p = p;
    int rc = 0;
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    d->dir = tcpl_arena_strndup(&d->arena, dir, dl);
    walker w = {d, p->ctx, TCPL_VEC_INIT(dfile), 0, 0, 0};
    w.max_files = opts && opts->max_files ? opts->max_files : TCPL_DOSSIER_MAX_FILES;
    w.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : TCPL_DOSSIER_MAX_DEPTH;
    if (!d->dir) {
        rc = TCPL_NOMEM(err, dir);
        goto out;
    }
    walk(&w, d->dir, "", " ", 0);
    if (d->truncated) {
        char lim[32];
        snprintf(lim, sizeof lim, "%zu", w.max_files);
        note(&w, "", "dossier.note_limit", lim);
    }
    if (w.nomem) {
        rc = TCPL_NOMEM(err, dir);
        goto out;
    }
    dfile *files = w.files.data;
    for (size_t i = 0; i < p->nitems; i++) {
        tcpl_dossier_item *it = tcpl_vec_push(&d->items);
        if (!it) {
            rc = TCPL_NOMEM(err, dir);
            goto out;
        }
        if ((rc = run_item(d, &p->items[i], it, files, w.files.len, err)) < 0)
            goto out;
    }
    for (size_t i = 0; i < w.files.len; i++) {
        if (files[i].matched)
            continue;
        const char **slot = tcpl_vec_push(&d->unmatched);
        if (!slot || !(*slot = tcpl_arena_strdup(&d->arena, files[i].rel))) {
            rc = TCPL_NOMEM(err, dir);
            goto out;
        }
    }
out:
    for (size_t i = 0; i < w.files.len; i++) {
        dfile *f = &TCPL_VEC_AT(&w.files, dfile, i);
        free(f->rel);
        free(f->name);
        free(f->folders);
    }
    tcpl_vec_free(&w.files);
    if (rc < 0) {
        tcpl_dossier_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void tcpl_dossier_free(tcpl_dossier *d)
{
    if (!d)
        return;
    tcpl_vec_free(&d->items);
    tcpl_vec_free(&d->unmatched);
    tcpl_vec_free(&d->notes);
    tcpl_vec_free(&d->finds);
    tcpl_arena_free(&d->arena);
    free(d);
}

const char *tcpl_dossier_status_name(tcpl_dossier_status s)
{
    static const char *const names[] = {"found", "missing", "failing"};
    return (unsigned)s < 3 ? names[s] : "";
}

const char *tcpl_dossier_dir(const tcpl_dossier *d)
{
    return d ? d->dir : "";
}

size_t tcpl_dossier_item_count(const tcpl_dossier *d)
{
    return d ? d->items.len : 0;
}

const tcpl_dossier_item *tcpl_dossier_item_get(const tcpl_dossier *d, size_t i)
{
    return d && i < d->items.len ? &TCPL_VEC_AT(&d->items, tcpl_dossier_item, i) : NULL;
}

size_t tcpl_dossier_at(const tcpl_dossier *d, tcpl_dossier_status s)
{
    size_t k = 0;
    for (size_t i = 0; d && i < d->items.len; i++)
        k += TCPL_VEC_AT(&d->items, tcpl_dossier_item, i).status == s;
    return k;
}

size_t tcpl_dossier_unmatched_count(const tcpl_dossier *d)
{
    return d ? d->unmatched.len : 0;
}

const char *tcpl_dossier_unmatched(const tcpl_dossier *d, size_t i)
{
    return d && i < d->unmatched.len ? TCPL_VEC_AT(&d->unmatched, const char *, i) : NULL;
}

size_t tcpl_dossier_note_count(const tcpl_dossier *d)
{
    return d ? d->notes.len : 0;
}

const char *tcpl_dossier_note(const tcpl_dossier *d, size_t i)
{
    return d && i < d->notes.len ? TCPL_VEC_AT(&d->notes, const char *, i) : NULL;
}

size_t tcpl_dossier_files_seen(const tcpl_dossier *d)
{
    return d ? d->seen : 0;
}

int tcpl_dossier_truncated(const tcpl_dossier *d)
{
    return d ? d->truncated : 0;
}
