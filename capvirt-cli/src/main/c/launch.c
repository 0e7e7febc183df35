/*
 * capvirt-launch: the launcher's warm path in one exec, built with the CLI.
 *
 *   capvirt-launch STAMP SCRIPT NARGS NWATCH WATCH... COMMAND...
 *
 * If nothing under the NWATCH paths (walked without following links) has a modification time
 * later than STAMP's, it execs COMMAND (the JVM and its arguments); otherwise, or when any of
 * them cannot be read, it runs SCRIPT again with CAPVIRT_STALE=1 and COMMAND's last NARGS words
 * (the script's own arguments), and the script checks again and builds. It answers what
 * `find WATCH... -newer STAMP -print -quit` answers, without the fork of a command substitution
 * and find's own start (~4 ms of every command on a small VM).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static struct timespec stamp;

static int newer(const struct stat *st) {
  return st->st_mtim.tv_sec > stamp.tv_sec ||
         (st->st_mtim.tv_sec == stamp.tv_sec && st->st_mtim.tv_nsec > stamp.tv_nsec);
}

/* 1 when something in the directory open at dfd (closed here) is newer or cannot be read. Read
 * with getdents64 into a buffer on the stack: readdir's allocations and fdopendir's checks were a
 * fifth of the walk's system calls. */
static int stale_dir(int dfd) {
  char buf[8192] __attribute__((aligned(8)));
  int stale = 0;
  ssize_t n;
  while (!stale && (n = getdents64(dfd, buf, sizeof buf)) > 0) {
    for (ssize_t at = 0; at < n && !stale;) {
      struct dirent64 *e = (struct dirent64 *)(buf + at);
      at += e->d_reclen;
      const char *name = e->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) {
        continue;
      }
      struct stat st;
      if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || newer(&st)) {
        stale = 1;
      } else if (S_ISDIR(st.st_mode)) {
        int child = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        stale = child < 0 || stale_dir(child);
      }
    }
  }
  if (n < 0) {
    stale = 1;
  }
  close(dfd);
  return stale;
}

static int stale_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0 || newer(&st)) {
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    return 0;
  }
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd < 0 || stale_dir(fd);
}

static int count(const char *text, int max) {
  char *end;
  errno = 0;
  long n = strtol(text, &end, 10);
  if (errno != 0 || *text == '\0' || *end != '\0' || n < 0 || n > max) {
    return -1;
  }
  return (int)n;
}

int main(int argc, char **argv) {
  int nargs = argc > 3 ? count(argv[3], argc) : -1;
  int nwatch = argc > 4 ? count(argv[4], argc) : -1;
  int command = 5 + nwatch;
  if (nargs < 0 || nwatch < 0 || command >= argc || argc - command <= nargs) {
    fputs("capvirt-launch: usage: capvirt-launch STAMP SCRIPT NARGS NWATCH WATCH... COMMAND...\n",
          stderr);
    return 64;
  }
  struct stat st;
  int stale = stat(argv[1], &st) != 0;
  if (!stale) {
    stamp = st.st_mtim;
    for (int i = 5; i < command && !stale; i++) {
      stale = stale_path(argv[i]);
    }
  }
  if (stale) {
    /* bash SCRIPT ARGS...: the script's own arguments start NARGS words before the end */
    char **again = calloc((size_t)nargs + 3, sizeof *again);
    if (again == NULL || setenv("CAPVIRT_STALE", "1", 1) != 0) {
      perror("capvirt-launch");
      return 71;
    }
    again[0] = "bash";
    again[1] = argv[2];
    memcpy(again + 2, argv + argc - nargs, (size_t)nargs * sizeof *again);
    execv("/bin/bash", again);
    perror("capvirt-launch: /bin/bash");
    return 127;
  }
  const char *trace = getenv("CAPVIRT_TRACE");
  if (trace != NULL && strcmp(trace, "1") == 0) {
    /* the trace's "launcher" step ends here, as it ends at the script's exec without this */
    struct timeval now;
    char text[32];
    gettimeofday(&now, NULL);
    snprintf(text, sizeof text, "%lld.%06ld", (long long)now.tv_sec, (long)now.tv_usec);
    setenv("CAPVIRT_TRACE_EXEC", text, 1);
  }
  execv(argv[command], argv + command);
  fprintf(stderr, "capvirt-launch: %s: %s\n", argv[command], strerror(errno));
  return 127;
}
