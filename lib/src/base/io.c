/* Safe output files and text safe to show (tcpl/io.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/io.h"
#include "tcpl/io.h"

/* Symbolic links followed from an output path before giving up: the same
 * number Linux allows in one path lookup (SYMLOOP_MAX is 40); a longer chain
 * is a loop or a trap, and is refused like the kernel refuses it (ELOOP). */
#define TCPL_MAX_LINK_HOPS 40
/* Temporary names tried before giving up: each is 48 random bits, so a clash
 * means something is creating files in the folder on purpose. */
#define TCPL_TMP_TRIES 100

/* The file path finally names: symbolic links are followed one by one (a
 * relative target is relative to its link's folder), so a link that points
 * to a file not created yet still leads to where that file will be.  *out is
 * the path to write, malloc'd. */
static int resolve_output(char **out, const char *path, tcpl_error *err)
{
    *out = NULL;
    char *cur = strdup(path);
    if (!cur)
        return TCPL_NOMEM(err, path);
    for (int hop = 0;; hop++) {
        struct stat st;
        if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode)) {
            *out = cur; /* missing (a new file) or the real target */
            return 0;
        }
        if (hop == TCPL_MAX_LINK_HOPS) {
            free(cur);
            return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(ELOOP));
        }
        /* st_size of a link is its target's length (0 on some file systems). */
        size_t cap = (st.st_size > 0 ? (size_t)st.st_size : 255) + 1;
        char *target = malloc(cap);
        ssize_t n = target ? readlink(cur, target, cap) : -1;
        if (!target || n < 0 || (size_t)n >= cap) {
            int e = errno;
            free(target);
            free(cur);
            if (n >= 0 || !target)
                return TCPL_NOMEM(err, path);
            return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(e));
        }
        target[n] = 0;
        if (target[0] == '/') {
            free(cur);
            cur = target;
            continue;
        }
        const char *slash = strrchr(cur, '/');
        tcpl_buf b;
        tcpl_buf_init(&b);
        if (slash)
            tcpl_buf_put(&b, cur, (size_t)(slash - cur + 1));
        tcpl_buf_puts(&b, target);
        free(target);
        free(cur);
        if (!tcpl_buf_ok(&b)) {
            tcpl_buf_free(&b);
            return TCPL_NOMEM(err, path);
        }
        cur = tcpl_buf_detach(&b, NULL);
    }
}

/* An output path naming a folder, a device, a FIFO or a socket is refused:
 * replacing it would destroy it (a device node as root), and writing into it
 * is never what was meant. */
static int not_regular(tcpl_error *err, const char *path, mode_t m)
{
    if (S_ISDIR(m))
        return tcpl_err(err, TCPL_ERR_USAGE, "err.output_is_dir", path, NULL, NULL);
    const char *kind = S_ISCHR(m)    ? "character device"
                       : S_ISBLK(m)  ? "block device"
                       : S_ISFIFO(m) ? "FIFO"
                       : S_ISSOCK(m) ? "socket"
                                     : "special file";
    return tcpl_err(err, TCPL_ERR_USAGE, "err.output_not_regular", path, NULL, "%s", kind);
}

int tcpl_output_check(const char *path, const char *const *inputs, size_t n, tcpl_error *err)
{
    char *target;
    int rc = resolve_output(&target, path, err);
    if (rc < 0)
        return rc;
    struct stat st;
    if (stat(target, &st) < 0) {
        int e = errno;
        free(target);
        if (e == ENOENT)
            return 0; /* a new file cannot be an input */
        return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(e));
    }
    free(target);
    if (!S_ISREG(st.st_mode))
        return not_regular(err, path, st.st_mode);
    /* The same file is the same device and inode, whatever the names: this
     * catches symbolic links (stat follows them) and hard links alike. */
    for (size_t i = 0; i < n; i++) {
        struct stat in;
        if (stat(inputs[i], &in) == 0 && in.st_dev == st.st_dev && in.st_ino == st.st_ino)
            return tcpl_err(err, TCPL_ERR_USAGE, "err.output_is_input", path, NULL, "%s",
                            inputs[i]);
    }
    return 0;
}

/* Opens a new file next to target with a fresh name, mode 0666 less the
 * umask (the kernel applies it: a library must not call umask(), which is
 * process-wide).  tmp receives the name. */
static int open_temp(tcpl_buf *tmp, const char *target)
{
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target + 1) : 0;
    for (int i = 0; i < TCPL_TMP_TRIES; i++) {
        uint64_t r = 0;
        if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
            r = ((uint64_t)getpid() << 20) ^ (uint64_t)(uintptr_t)tmp ^
                (uint64_t)i * 0x9E3779B97F4A7C15u;
        tcpl_buf_reset(tmp);
        tcpl_buf_put(tmp, target, dirlen);
        tcpl_buf_printf(tmp, ".%s.tcpl-%012llx", target + dirlen,
                        (unsigned long long)(r & 0xFFFFFFFFFFFFu));
        if (!tcpl_buf_ok(tmp)) {
            errno = ENOMEM;
            return -1;
        }
        int fd = open(tmp->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* Makes the rename itself durable; a file system that cannot sync a folder
 * (EINVAL) has nothing more to do. */
static int sync_dir(const char *target)
{
    const char *slash = strrchr(target, '/');
    char *dir = slash ? strndup(target, (size_t)(slash - target + (slash == target))) : strdup(".");
    if (!dir)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
    close(fd);
    return rc;
}

int tcpl_write_file(const char *path, const void *data, size_t len, tcpl_error *err)
{
    char *target;
    int rc = resolve_output(&target, path, err);
    if (rc < 0)
        return rc;
    struct stat old;
    int exists = lstat(target, &old) == 0;
    if (!exists && errno != ENOENT) {
        rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(errno));
        free(target);
        return rc;
    }
    if (exists && !S_ISREG(old.st_mode)) {
        rc = not_regular(err, path, old.st_mode);
        free(target);
        return rc;
    }
    tcpl_buf tmp;
    tcpl_buf_init(&tmp);
    int fd = open_temp(&tmp, target);
    if (fd < 0) {
        rc = errno == ENOMEM
                 ? TCPL_NOMEM(err, path)
                 : tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(errno));
        tcpl_buf_free(&tmp);
        free(target);
        return rc;
    }
    if (exists) {
        /* The replacement is the same document to everyone who could read
         * it: same permission bits; the same owner when we may give it (only
         * root may, so a failure there is expected and harmless). */
        if (fchmod(fd, old.st_mode & 07777) < 0)
            goto fail;
        if (fchown(fd, old.st_uid, old.st_gid) < 0) {
            /* not allowed: the file stays ours, as a new file would */
        }
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0) {
            errno = EIO;
            goto fail;
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) < 0 && errno != EINVAL)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.data, target) < 0)
        goto fail;
    if (sync_dir(target) < 0) {
        /* The data is in place; only its durability after a crash is in
         * doubt.  Report it: the caller asked for a safe write. */
        rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(errno));
        tcpl_buf_free(&tmp);
        free(target);
        return rc;
    }
    tcpl_buf_free(&tmp);
    free(target);
    return 0;
fail:;
    int e = errno ? errno : EIO;
    if (fd >= 0)
        close(fd);
    unlink(tmp.data);
    tcpl_buf_free(&tmp);
    free(target);
    return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(e));
}

int tcpl_escape_text(char **out, const char *s, unsigned options, tcpl_error *err)
{
    *out = NULL;
    tcpl_buf b;
    tcpl_buf_init(&b);
    size_t n = strlen(s), i = 0;
    int controls = (options & TCPL_ESCAPE_CONTROLS) != 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (controls && (c < 0x20 || c == 0x7F)) {
                if (c == '\n')
                    tcpl_buf_puts(&b, "\\n");
                else if (c == '\r')
                    tcpl_buf_puts(&b, "\\r");
                else if (c == '\t')
                    tcpl_buf_puts(&b, "\\t");
                else
                    tcpl_buf_printf(&b, "\\x%02x", c);
            } else {
                tcpl_buf_putc(&b, c);
            }
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {
            tcpl_buf_printf(&b, "\\x%02x", c); /* one byte that is not UTF-8 */
            i++;
        } else {
            if (controls && cp >= 0x80 && cp <= 0x9F)
                tcpl_buf_printf(&b, "\\u%04x", (unsigned)cp);
            else
                tcpl_buf_put(&b, s + i, (size_t)k);
            i += (size_t)k;
        }
    }
    if (!tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return TCPL_NOMEM(err, NULL);
    }
    *out = tcpl_buf_detach(&b, NULL);
    return 0;
}

int tcpl_read_small_file(char **out, size_t *len, const char *path, size_t max, tcpl_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tcpl_err(err, TCPL_ERR_IO, "err.io_open", path, NULL, NULL);
    tcpl_buf b;
    tcpl_buf_init(&b);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            fclose(f);
            tcpl_buf_free(&b);
            return tcpl_err(err, TCPL_ERR_LIMIT, "err.too_big", path, NULL, "> %zu bytes", max);
        }
        tcpl_buf_put(&b, chunk, n);
    }
    int ioerr = ferror(f);
    fclose(f);
    if (ioerr || !tcpl_buf_ok(&b)) {
        tcpl_buf_free(&b);
        return ioerr ? tcpl_err(err, TCPL_ERR_IO, "err.io_read", path, NULL, NULL)
                     : TCPL_NOMEM(err, path);
    }
    *out = tcpl_buf_detach(&b, len);
    return *out ? 0 : TCPL_NOMEM(err, path);
}

void tcpl_buf_put_html(tcpl_buf *b, const char *s)
{
    char *e = NULL;
    if (tcpl_escape_text(&e, s ? s : "", TCPL_ESCAPE_CONTROLS, NULL) < 0) {
        b->failed = 1;
        return;
    }
    for (const char *p = e; *p; p++) {
        switch (*p) {
        case '<':
            tcpl_buf_puts(b, "&lt;");
            break;
        case '>':
            tcpl_buf_puts(b, "&gt;");
            break;
        case '&':
            tcpl_buf_puts(b, "&amp;");
            break;
        case '"':
            tcpl_buf_puts(b, "&quot;");
            break;
        default:
            tcpl_buf_putc(b, *p);
        }
    }
    free(e);
}
