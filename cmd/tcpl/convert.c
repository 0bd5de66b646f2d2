/* tcpl batch --convert-doc: Word 97-2003 .doc files under the inputs are
 * converted to .docx with LibreOffice (soffice --headless --convert-to docx)
 * into OUT/converted/, and the converted files join the batch.  Starting a
 * process belongs to the CLI, not the library: the library never reads the
 * environment (PATH) and never forks (it is used inside servers and
 * threads); see docs/batch.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Seconds one conversion may take: a large .doc converts in a few seconds;
 * a file that hangs LibreOffice must not hang the batch. */
#define CONVERT_TIMEOUT_S 120
/* .doc files converted in one run: each costs a LibreOffice start (about a
 * second); more is a job for a conversion server. */
#define CONVERT_MAX_FILES 2000
/* Conversions running at once (--jobs, capped): each is a LibreOffice
 * process of 200-300 MB. */
#define CONVERT_MAX_PARALLEL 8
/* Folder depth and entries walked looking for .doc files (as the batch walk). */
#define CONVERT_MAX_DEPTH 32
#define CONVERT_MAX_ENTRIES 200000

typedef struct docs {
    char **v;
    size_t n, cap, entries;
} docs;

static int is_doc(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && name[n - 4] == '.' && (name[n - 3] | 32) == 'd' && (name[n - 2] | 32) == 'o' &&
           (name[n - 1] | 32) == 'c' && strncmp(name, "~$", 2);
}

static int push(docs *d, const char *path)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        char **v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return -1;
        d->v = v;
        d->cap = cap;
    }
    return (d->v[d->n] = strdup(path)) ? (int)++d->n * 0 : -1;
}

/* .doc files under path (links not followed: a loop cannot start here). */
static int find_docs(docs *d, const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0 || ++d->entries > CONVERT_MAX_ENTRIES || d->n >= CONVERT_MAX_FILES)
        return 0;
    if (S_ISREG(st.st_mode)) {
        const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        return is_doc(b) ? push(d, path) : 0;
    }
    if (!S_ISDIR(st.st_mode) || depth >= CONVERT_MAX_DEPTH)
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            rc = -1;
            break;
        }
        snprintf(child, n, "%s/%s", path, e->d_name);
        rc = find_docs(d, child, depth + 1);
        free(child);
    }
    closedir(dir);
    return rc;
}

/* soffice on PATH, into out (size bytes); 0 found. */
static int find_soffice(char *out, size_t size)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, size, "%.*s/soffice", (int)n, n ? path : ".");
        if (access(out, X_OK) == 0)
            return 0;
        path += n + (colon != NULL);
    }
    return -1;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

/* Starts soffice on one file; its pid, or -1. */
static pid_t start_soffice(const char *soffice, const char *profile, const char *outdir,
                           const char *file)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* its own profile: a LibreOffice the user has open (or another
     * conversion running beside this one) does not take the job */
    char env[8500];
    snprintf(env, sizeof env, "-env:UserInstallation=file://%s", profile);
    int devnull = open("/dev/null", 0);
    if (devnull >= 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
    }
    execl(soffice, "soffice", env, "--headless", "--norestore", "--convert-to", "docx", "--outdir",
          outdir, file, (char *)NULL);
    _exit(127);
}

/* One conversion running: which file, its process, the ticks it has had. */
typedef struct running {
    pid_t pid;
    size_t doc;
    int ticks;
} running;

static int make_dir(const char *p)
{
    struct stat st;
    return mkdir(p, 0777) == 0 || (errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
               ? 0
               : -1;
}

int cli_convert_docs(cli *c, char **inputs, int ninputs, const char *out, unsigned jobs,
                     char ***extra, char ***from, size_t *nextra)
{
    *extra = NULL;
    *from = NULL;
    *nextra = 0;
    docs d = {NULL, 0, 0, 0};
    for (int i = 0; i < ninputs; i++)
        if (find_docs(&d, inputs[i], 0) < 0)
            return EXIT_INTERNAL;
    if (!d.n)
        return 0;
    char soffice[4200];
    if (find_soffice(soffice, sizeof soffice) != 0) {
        fprintf(stderr, "tcpl: %s\n", tcpl_msg(c->ctx, "convert.no_soffice"));
        for (size_t i = 0; i < d.n; i++)
            free(d.v[i]);
        free(d.v);
        return 0;
    }
    char conv[4200], cwd[4096] = "";
    snprintf(conv, sizeof conv, "%s/converted", out);
    if (make_dir(out) != 0 || make_dir(conv) != 0 || (conv[0] != '/' && !getcwd(cwd, sizeof cwd)))
        return cli_usage(c, "dossier.bad_out", NULL, conv);
    char **v = calloc(d.n, sizeof *v), **src = calloc(d.n, sizeof *src),
         **docx = calloc(d.n, sizeof *docx);
    int *rcs = calloc(d.n, sizeof *rcs);
    if (!v || !src || !docx || !rcs) {
        free(v);
        free(src);
        free(docx);
        free(rcs);
        for (size_t i = 0; i < d.n; i++)
            free(d.v[i]);
        free(d.v);
        return EXIT_INTERNAL;
    }
    if (jobs < 1)
        jobs = 1;
    if (jobs > CONVERT_MAX_PARALLEL)
        jobs = CONVERT_MAX_PARALLEL;
    /* up to jobs conversions at once, each with its own profile folder and
     * its own deadline; the results are taken in input order */
    running run[CONVERT_MAX_PARALLEL];
    for (unsigned j = 0; j < CONVERT_MAX_PARALLEL; j++)
        run[j].pid = 0;
    size_t next = 0, busy = 0;
    struct timespec tick = {0, 100 * 1000 * 1000};
    while (next < d.n || busy) {
        for (unsigned j = 0; j < jobs && next < d.n; j++) {
            if (run[j].pid)
                continue;
            size_t i = next++;
            const char *b = strrchr(d.v[i], '/') ? strrchr(d.v[i], '/') + 1 : d.v[i];
            char dir[4400], path[4700];
            /* one folder per source path: two KH.doc in two folders stay apart */
            snprintf(dir, sizeof dir, "%s/%016llx", conv, (unsigned long long)fnv(d.v[i]));
            snprintf(path, sizeof path, "%s/%.*sdocx", dir, (int)(strlen(b) - 3), b);
            docx[i] = strdup(path);
            struct stat ss, sd;
            if (!docx[i]) {
                rcs[i] = -1;
                continue;
            }
            if (stat(path, &sd) == 0 && stat(d.v[i], &ss) == 0 && sd.st_mtime >= ss.st_mtime)
                continue; /* converted by an earlier run: rcs[i] stays 0 */
            /* a file:// URL needs the absolute path */
            char profile[8400];
            snprintf(profile, sizeof profile, "%s%s%s/.profile%s%.0u", cwd, *cwd ? "/" : "", conv,
                     j ? "-" : "", j);
            pid_t pid = make_dir(dir) != 0 ? -1 : start_soffice(soffice, profile, dir, d.v[i]);
            if (pid < 0) {
                rcs[i] = -1;
                continue;
            }
            run[j] = (running){pid, i, 0};
            busy++;
        }
        if (!busy)
            continue;
        nanosleep(&tick, NULL);
        for (unsigned j = 0; j < jobs; j++) {
            if (!run[j].pid)
                continue;
            int status;
            pid_t r = waitpid(run[j].pid, &status, WNOHANG);
            int done = 0;
            if (r == run[j].pid) {
                rcs[run[j].doc] = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
                done = 1;
            } else if ((r < 0 && errno != EINTR) || ++run[j].ticks >= CONVERT_TIMEOUT_S * 10) {
                kill(run[j].pid, SIGKILL);
                waitpid(run[j].pid, NULL, 0);
                rcs[run[j].doc] = r < 0 ? -1 : -2;
                done = 1;
            }
            if (done) {
                run[j].pid = 0;
                busy--;
            }
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < d.n; i++) {
        struct stat sd;
        if (rcs[i] == 0 && docx[i] && stat(docx[i], &sd) == 0) {
            v[k] = docx[i]; /* handed over */
            docx[i] = NULL;
            src[k++] = d.v[i];
            d.v[i] = NULL;
        } else {
            char *shown = cli_shown(d.v[i]);
            fprintf(stderr, "tcpl: %s: %s\n", shown,
                    tcpl_msg(c->ctx, rcs[i] == -2 ? "convert.timeout" : "convert.failed"));
            free(shown);
        }
        free(docx[i]);
    }
    free(docx);
    free(rcs);
    for (size_t i = 0; i < d.n; i++)
        free(d.v[i]);
    free(d.v);
    *extra = v;
    *from = src;
    *nextra = k;
    return 0;
}
