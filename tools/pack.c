/* pack DIR OUT.docx: zips an unpacked DOCX source folder, [Content_Types].xml
 * first, entries in name order so builds are reproducible.  Used for
 * samples/src/ and templates/. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

typedef struct {
    char **v;
    size_t n, cap;
} list;

static int add(list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, l->cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
    }
    l->v[l->n] = strdup(s);
    return l->v[l->n++] ? 0 : -1;
}

static int walk(const char *root, const char *rel, list *out)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel) >= (int)sizeof path)
        return -1;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char r[4096], full[4096];
        /* a truncated path would name the wrong file: fail instead */
        if (snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= (int)sizeof r ||
            snprintf(full, sizeof full, "%s/%s", root, r) >= (int)sizeof full) {
            rc = -1;
            break;
        }
        struct stat st;
        if (stat(full, &st) < 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = walk(root, r, out);
        else
            rc = add(out, r);
    }
    closedir(d);
    return rc;
}

static int cmp(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int cx = !strcmp(x, "[Content_Types].xml"), cy = !strcmp(y, "[Content_Types].xml");
    if (cx != cy)
        return cy - cx;
    return strcmp(x, y);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pack DIR OUT.docx\n");
        return 2;
    }
    list files = {0};
    if (walk(argv[1], "", &files) < 0) {
        fprintf(stderr, "pack: cannot read %s\n", argv[1]);
        return 1;
    }
    qsort(files.v, files.n, sizeof *files.v, cmp);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]) >= (int)sizeof tmp) {
        fprintf(stderr, "pack: output path too long\n");
        return 1;
    }
    remove(tmp);
    int ze;
    zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    if (!z) {
        fprintf(stderr, "pack: cannot create %s\n", tmp);
        return 1;
    }
    for (size_t i = 0; i < files.n; i++) {
        char full[4096];
        if (snprintf(full, sizeof full, "%s/%s", argv[1], files.v[i]) >= (int)sizeof full) {
            fprintf(stderr, "pack: path too long: %s\n", files.v[i]);
            zip_discard(z);
            return 1;
        }
        zip_source_t *s = zip_source_file(z, full, 0, -1);
        zip_int64_t idx = s ? zip_file_add(z, files.v[i], s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            fprintf(stderr, "pack: %s: %s\n", full, zip_strerror(z));
            zip_discard(z);
            return 1;
        }
        zip_file_set_mtime(z, (zip_uint64_t)idx, 315532800 + 86400 * 366 * 30, 0);
    }
    if (zip_close(z) < 0) {
        fprintf(stderr, "pack: %s\n", zip_strerror(z));
        return 1;
    }
    if (rename(tmp, argv[2]) < 0) {
        perror(argv[2]);
        return 1;
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    return 0;
}
