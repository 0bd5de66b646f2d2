/* Batch outputs: written under a temporary name in the target's folder and
 * renamed into place, so a reader (or a rerun after kill -9) sees the old
 * file or the whole new one, never half of one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
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

void batch_sweep_temps(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    int fd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (!strncmp(e->d_name, BATCH_TMP_PREFIX, sizeof BATCH_TMP_PREFIX - 1))
            (void)unlinkat(fd, e->d_name, 0);
    closedir(d);
}
