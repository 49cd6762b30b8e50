// pgrep: Debian's busybox has no pgrep applet, and critest runs
// `sh -c "pgrep sleep || true"` in the default image expecting no stderr.
// Usage: pgrep [-f] [-x] [-l] PATTERN   (extended regex, as procps pgrep)
// Prints the matching pids (never its own), exits 0 if any matched, else 1.
#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_proc(const char* pid, const char* what, char* buf, size_t n) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%s/%s", pid, what);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t len = read(fd, buf, n - 1);
  close(fd);
  if (len < 0) return -1;
  buf[len] = '\0';
  if (strcmp(what, "cmdline") == 0) {
    for (ssize_t i = 0; i + 1 < len; ++i)
      if (buf[i] == '\0') buf[i] = ' ';
  } else if (len > 0 && buf[len - 1] == '\n') {
    buf[len - 1] = '\0';
  }
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: pgrep [-f] [-x] [-l] PATTERN\n");
  return 2;
}

int main(int argc, char** argv) {
  int full = 0, exact = 0, list = 0, opt;
  while ((opt = getopt(argc, argv, "fxl")) != -1) {
    if (opt == 'f') full = 1;
    else if (opt == 'x') exact = 1;
    else if (opt == 'l') list = 1;
    else return usage();
  }
  if (optind != argc - 1) return usage();
  char pattern[4096];
  snprintf(pattern, sizeof(pattern), exact ? "^(%s)$" : "%s", argv[optind]);
  regex_t re;
  if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
    fprintf(stderr, "pgrep: bad pattern\n");
    return 2;
  }
  DIR* proc = opendir("/proc");
  if (proc == NULL) {
    perror("pgrep: /proc");
    return 3;
  }
  char self[32], comm[4096], text[4096];
  snprintf(self, sizeof(self), "%d", (int)getpid());
  int found = 0;
  struct dirent* e;
  while ((e = readdir(proc)) != NULL) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    if (strcmp(e->d_name, self) == 0) continue;
    if (read_proc(e->d_name, "comm", comm, sizeof(comm)) < 0) continue;
    if (full && read_proc(e->d_name, "cmdline", text, sizeof(text)) < 0) continue;
    if (regexec(&re, full ? text : comm, 0, NULL, 0) != 0) continue;
    found = 1;
    if (list) printf("%s %s\n", e->d_name, comm);
    else printf("%s\n", e->d_name);
  }
  closedir(proc);
  regfree(&re);
  return found ? 0 : 1;
}
