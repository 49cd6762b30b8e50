// Extra registries and servers an image test starts for itself, on free
// loopback ports in a temp dir, stopped when the object goes:
// docker-registry instances in pull-through (proxy) mode in front of the
// lab registry, with TLS, htpasswd Basic auth or Bearer-token auth, and
// the lab's token server (hack/token-server/token_server.py).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "image/registry/http_client.h"

namespace crisp::testing {

// A free TCP port on 127.0.0.1 (bound and released).
int FreePort();

// A child process, SIGKILLed and reaped at destruction.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();
  // Starts argv with stdout/stderr to `log`; false when fork/exec fails.
  bool Start(const std::vector<std::string>& argv, const std::string& log);

 private:
  pid_t pid_ = -1;
};

class AuxRegistry {
 public:
  enum class Auth { kNone, kBasic, kToken };
  struct Options {
    Auth auth = Auth::kNone;
    bool tls = false;
    bool client_certs = false;  // tls: require a client certificate
    bool proxy = true;          // false: an empty registry to push to
    std::string upstream;       // proxy remote, default: the lab registry
    std::string token_realm;    // kToken
    std::string token_cert;     // kToken: rootcertbundle
  };
  AuxRegistry();
  ~AuxRegistry();
  // Empty on success, else what went wrong.
  std::string Start(const Options& options);
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  // A client certificate the CA signed (client_certs).
  std::string client_cert() const { return dir_ + "/client.crt"; }
  std::string client_key() const { return dir_ + "/client.key"; }
  std::string log() const;

 private:
  std::string dir_;
  int port_ = 0;
  ChildProcess process_;
};

class TokenServer {
 public:
  TokenServer();
  ~TokenServer();
  std::string Start();
  std::string realm() const;
  std::string cert() const { return dir_ + "/keys/cert.pem"; }
  // Tokens issued so far (GET /stats).
  int Issued() const;
  // A token for `scope`, fetched with the lab credentials.
  std::string Token(const std::string& scope) const;

 private:
  std::string dir_;
  int port_ = 0;
  ChildProcess process_;
};

// Waits until `url` answers anything (up to ~10 s); certificates are not
// checked unless `tls` says so.
bool WaitHttp(const std::string& url, const image::TlsOptions& tls = {false});

}  // namespace crisp::testing
