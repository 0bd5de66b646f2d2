/* Batch outputs: written under a temporary name in the target's folder and
 * renamed into place, so a reader (or a rerun after kill -9) sees the old
 * file or the whole new one, never half of one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "batch/internal.h"

uint64_t batch_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

const char *brec_status_name(int s)
{
    static const char *const names[] = {"ok", "loi", "error", "skipped"};
    return s >= 0 && s < BREC_TODO ? names[s] : "error";
}

/* Distinct temporary names within the process; the pid keeps processes
 * apart. */
static atomic_ulong tmp_counter;

int bout_open(bout *o, const char *path, tcpl_error *err)
{
    memset(o, 0, sizeof *o);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    tcpl_buf b;
    tcpl_buf_init(&b);
    tcpl_buf_put(&b, path, dirlen);
    tcpl_buf_printf(&b, BATCH_TMP_PREFIX "%ld-%lu-%s", (long)getpid(),
                    (unsigned long)atomic_fetch_add(&tmp_counter, 1), path + dirlen);
    o->path = strdup(path);
    if (!tcpl_buf_ok(&b) || !o->path) {
        tcpl_buf_free(&b);
        free(o->path);
        o->path = NULL;
        return TCPL_NOMEM(err, path);
    }
    o->tmp = tcpl_buf_detach(&b, NULL);
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd >= 0 && !(o->f = fdopen(fd, "wb")))
        close(fd);
    if (!o->f) {
        int e = errno;
        free(o->tmp);
        free(o->path);
        o->tmp = o->path = NULL;
        return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(e));
    }
    return 0;
}

void bout_abort(bout *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
}

int bout_commit(bout *o, int sync, tcpl_error *err)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (!e && sync && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    if (!e && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e) {
        int rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", o->path, NULL, "%s", strerror(e));
        bout_abort(o);
        return rc;
    }
    if (sync) {
        /* The rename itself: sync the folder (a file system that cannot is
         * not an error). */
        char *dir = strdup(o->path);
        if (dir) {
            char *slash = strrchr(dir, '/');
            if (slash)
                slash[1] = 0;
            int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0) {
                (void)fsync(fd);
                close(fd);
            }
            free(dir);
        }
    }
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
    return 0;
}

size_t batch_sweep_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return SIZE_MAX;
    int fd = dirfd(d);
    size_t kept = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strncmp(e->d_name, BATCH_TMP_PREFIX, sizeof BATCH_TMP_PREFIX - 1))
            (void)unlinkat(fd, e->d_name, 0);
        else if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            kept++;
    }
    closedir(d);
    return kept;
}

int batch_put_line(int dirfd, const char *name, const char *tmp, const char *line, size_t len,
                   const char *shown, tcpl_error *err)
{
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = openat(dirfd, tmp, flags, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* this worker's, left by a write of its that failed (the sweep at
         * the start removed any older one): ours to replace */
        (void)unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, flags, 0666);
    }
    if (fd < 0)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_write", shown, NULL, "%s", strerror(errno));
    /* the line and its newline in one writev; a short write goes on */
    struct iovec iov[2] = {{(void *)line, len}, {(void *)"\n", 1}};
    struct iovec *v = iov;
    int nv = 2, e = 0;
    while (nv && !e) {
        ssize_t n = writev(fd, v, nv);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n == 0 ? EIO : errno;
            break;
        }
        while (nv && (size_t)n >= v->iov_len) {
            n -= (ssize_t)v->iov_len;
            v++;
            nv--;
        }
        if (nv) {
            v->iov_base = (char *)v->iov_base + n;
            v->iov_len -= (size_t)n;
        }
    }
    if (close(fd) != 0 && !e && errno != EINTR)
        e = errno;
    if (!e && renameat(dirfd, tmp, dirfd, name) != 0)
        e = errno;
    if (e) {
        (void)unlinkat(dirfd, tmp, 0);
        return tcpl_err(err, TCPL_ERR_IO, "err.io_write", shown, NULL, "%s", strerror(e));
    }
    return 0;
}

json_t *batch_load_json(int dirfd, const char *name, int nofollow)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return NULL;
    struct stat st;
    json_t *root = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (unsigned long long)st.st_size <= BATCH_MAX_RESULT_BYTES) {
        size_t want = (size_t)st.st_size, got = 0;
        char *buf = malloc(want);
        while (buf && got < want) {
            ssize_t n = read(fd, buf + got, want - got);
            if (n > 0)
                got += (size_t)n;
            else if (n == 0 || errno != EINTR)
                break;
        }
        if (buf && got == want) {
            json_error_t je;
            root = json_loadb(buf, got, 0, &je);
        }
        free(buf);
    }
    close(fd);
    return root;
}
