#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"
#include "tcpl/io.h"

int tcpl_write_file(const char *path, const void *data, size_t len, tcpl_error *err)
{
    tcpl_buf tmp;
    tcpl_buf_init(&tmp);
    tcpl_buf_printf(&tmp, "%s.tmp-XXXXXX", path);
    if (!tcpl_buf_ok(&tmp))
        return TCPL_NOMEM(err, path);
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        int rc = tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(errno));
        tcpl_buf_free(&tmp);
        return rc;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) < 0 && errno != EINVAL)
        goto fail;
    /* mkstemp makes the file 0600; outputs are ordinary documents. */
    fchmod(fd, 0644);
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.data, path) < 0)
        goto fail;
    tcpl_buf_free(&tmp);
    return 0;
fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp.data);
    tcpl_buf_free(&tmp);
    return tcpl_err(err, TCPL_ERR_IO, "err.io_write", path, NULL, "%s", strerror(e ? e : EIO));
}
