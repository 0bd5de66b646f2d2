/* Running the tcpl program from a test (run.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/run.h"
#include "helpers/testutil.h"

extern char **environ;

void tu_result_free(tu_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

char *tu_path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

pid_t tu_tcpl_start(const char *dir, const char *const *args, const char *const *env)
{
    const char *bin = getenv("TCPL_BIN");
    if (!bin || !*bin)
        bin = "build/tcpl";
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (size_t i = 0; args[i]; i++) {
        assert_true(n < 62);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    size_t ne = 0, nx = 0;
    while (environ[ne])
        ne++;
    while (env && env[nx])
        nx++;
    char **envp = calloc(ne + nx + 1, sizeof *envp);
    assert_non_null(envp);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "TCPL_LANG=", 10) && strncmp(environ[i], "TCPL_TODAY=", 11))
            envp[k++] = environ[i];
    for (size_t i = 0; i < nx; i++)
        envp[k++] = (char *)env[i];
    char *out = tu_path_in(dir, ".stdout"), *err = tu_path_in(dir, ".stderr");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    free(out);
    free(err);
    assert_int_equal(rc, 0);
    return pid;
}

void tu_tcpl_finish(tu_result *r, const char *dir, pid_t pid)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    char *out = tu_path_in(dir, ".stdout"), *err = tu_path_in(dir, ".stderr");
    r->out = tu_read_file(out, &r->out_len);
    r->err = tu_read_file(err, &r->err_len);
    assert_non_null(r->out);
    assert_non_null(r->err);
    unlink(out);
    unlink(err);
    free(out);
    free(err);
}

void tu_tcpl_run(tu_result *r, const char *dir, const char *const *args, const char *const *env)
{
    tu_tcpl_finish(r, dir, tu_tcpl_start(dir, args, env));
}

void tu_tmpdir_remove(const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, NULL);
    for (int i = 0; i < n; i++) {
        if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
            char *p = tu_path_in(dir, list[i]->d_name);
            unlink(p);
            free(p);
        }
        free(list[i]);
    }
    if (n >= 0)
        free(list);
    rmdir(dir);
}

void tu_tcpl_run_lang(tu_result *r, const char *dir, const char *lang, const char *const *args)
{
    char langvar[32];
    snprintf(langvar, sizeof langvar, "TCPL_LANG=%s", lang ? lang : "");
    const char *env[] = {lang ? langvar : NULL, NULL};
    tu_tcpl_run(r, dir, args, env);
}

char *tu_tcpl_text(const char *dir, const char *docx)
{
    tu_result r;
    tu_tcpl_run(&r, dir, TU_ARGS("text", docx), NULL);
    assert_int_equal(r.status, 0);
    char *text = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return text;
}
