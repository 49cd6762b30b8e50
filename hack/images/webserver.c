// webserver: the lab's stand-in for the nginx and httpd test images. Built
// twice: -DSTANDIN_NGINX gives /usr/sbin/nginx, -DSTANDIN_HTTPD gives httpd.
// Process 1 keeps the identity critest looks for and runs busybox httpd as
// its child to serve HTTP:
//   nginx: re-execs itself so /proc/1/cmdline reads "nginx: master process
//          ..." (its comm stays "nginx" for pidof), writes its pid to
//          /var/run/nginx.pid;
//   httpd: logs "... Command line: 'httpd -D FOREGROUND'" to stderr.
// $STANDIN_HTTP_PORT overrides the port (80), $STANDIN_HTTP_ROOT the
// document root. SIGTERM, SIGINT, SIGQUIT and SIGWINCH (httpd's graceful
// stop signal) stop the server and exit 0.
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(STANDIN_NGINX)
#define DEFAULT_ROOT "/usr/share/nginx/html"
#elif defined(STANDIN_HTTPD)
#define DEFAULT_ROOT "/usr/local/apache2/htdocs"
#else
#error "build with -DSTANDIN_NGINX or -DSTANDIN_HTTPD"
#endif

static volatile sig_atomic_t child_pid = 0;

static void on_stop(int sig) {
  (void)sig;
  if (child_pid > 0) kill(child_pid, SIGTERM);
  _exit(0);
}

static const char* env_or(const char* name, const char* fallback) {
  const char* v = getenv(name);
  return v != NULL && *v != '\0' ? v : fallback;
}

#ifdef STANDIN_NGINX
static void become_master(char** argv) {
  if (strstr(argv[0], "master process") != NULL) return;
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n < 0) {
    perror("nginx: readlink /proc/self/exe");
    exit(1);
  }
  self[n] = '\0';
  char* title[] = {"nginx: master process nginx -g daemon off;", NULL};
  execv(self, title);
  perror("nginx: re-exec");
  exit(1);
}

static void write_pidfile(void) {
  FILE* f = fopen("/var/run/nginx.pid", "w");
  if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
    perror("nginx: /var/run/nginx.pid");
    exit(1);
  }
}
#endif

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_stop;
  int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGWINCH};
  for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); ++i) {
    if (sigaction(sigs[i], &sa, NULL) < 0) {
      perror("sigaction");
      exit(1);
    }
  }
}

int main(int argc, char** argv) {
  (void)argc;
#ifdef STANDIN_NGINX
  become_master(argv);
  write_pidfile();
#else
  (void)argv;
  fprintf(stderr,
          "[core:notice] [pid %d] AH00094: Command line: "
          "'httpd -D FOREGROUND'\n",
          (int)getpid());
#endif
  const char* port = env_or("STANDIN_HTTP_PORT", "80");
  const char* root = env_or("STANDIN_HTTP_ROOT", DEFAULT_ROOT);
  install_handlers();
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    execl("/bin/busybox", "httpd", "-f", "-p", port, "-h", root, (char*)NULL);
    perror("exec /bin/busybox httpd");
    _exit(127);
  }
  child_pid = pid;
  for (;;) {
    int status;
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) return 1;
    if (done == pid) {
      fprintf(stderr, "webserver: busybox httpd exited (status %d)\n", status);
      return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    }
  }
}
