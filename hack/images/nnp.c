// nnp: the lab's stand-in for e2e-test-images/nonewprivs. Installed setuid
// root: it prints "Effective uid: 0" unless no_new_privs kept the caller's uid.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("Effective uid: %d\n", (int)geteuid());
  return 0;
}
