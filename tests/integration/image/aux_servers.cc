#include "tests/integration/image/aux_servers.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/files.h"
#include "image/registry/http_client.h"
#include "nlohmann/json.hpp"
#include "tests/integration/image/lab.h"

namespace crisp::testing {
namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/crisp-aux-XXXXXX";
  return ::mkdtemp(tmpl);
}

bool Run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

// A CA and a server certificate for 127.0.0.1 signed by it.
bool MakeTls(const std::string& d) {
  return Run("cd " + d +
             " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key "
             "-out ca.crt -days 2 -subj /CN=crisp-test-ca >/dev/null 2>&1"
             " && openssl req -newkey rsa:2048 -nodes -keyout server.key "
             "-out server.csr -subj /CN=127.0.0.1 >/dev/null 2>&1"
             " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > "
             "ext.cnf && openssl x509 -req -in server.csr -CA ca.crt -CAkey "
             "ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf "
             ">/dev/null 2>&1");
}

// A client certificate signed by the CA of MakeTls.
bool MakeClientCert(const std::string& d) {
  return Run("cd " + d +
             " && openssl req -newkey rsa:2048 -nodes -keyout client.key "
             "-out client.csr -subj /CN=crisp-client >/dev/null 2>&1"
             " && printf 'extendedKeyUsage=clientAuth\\n' > client.cnf"
             " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key "
             "-CAcreateserial -out client.crt -days 2 -extfile client.cnf "
             ">/dev/null 2>&1");
}

}  // namespace

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::string& log) {
  pid_ = ::fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return true;
}

bool WaitHttp(const std::string& url, const image::TlsOptions& tls) {
  for (int i = 0; i < 100; ++i) {
    image::HttpRequest req;
    req.url = url;
    req.tls = tls;
    req.timeouts.connect_seconds = 1;
    if (image::HttpDo(req).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

AuxRegistry::AuxRegistry() : dir_(MakeTempDir()) {}
AuxRegistry::~AuxRegistry() { (void)RemoveAll(dir_); }

std::string AuxRegistry::log() const {
  auto text = ReadFile(dir_ + "/registry.log");
  return text.ok() ? *text : "";
}

std::string AuxRegistry::Start(const Options& o) {
  port_ = FreePort();
  std::ofstream y(dir_ + "/config.yml");
  y << "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " << dir_
    << "/data\nhttp:\n  addr: " << host() << "\n";
  if (o.tls) {
    if (!MakeTls(dir_)) return "openssl failed";
    if (o.client_certs && !MakeClientCert(dir_)) return "openssl failed";
    y << "  tls:\n    certificate: " << dir_ << "/server.crt\n    key: " << dir_
      << "/server.key\n";
    if (o.client_certs) y << "    clientcas:\n      - " << ca_file() << "\n";
  }
  if (o.auth == Auth::kBasic) {
    if (!Run("htpasswd -Bbc " + dir_ +
             "/htpasswd crisp crisp-secret "
             ">/dev/null 2>&1")) {
      return "htpasswd failed";
    }
    y << "auth:\n  htpasswd:\n    realm: crisp-test\n    path: " << dir_
      << "/htpasswd\n";
  } else if (o.auth == Auth::kToken) {
    y << "auth:\n  token:\n    realm: " << o.token_realm
      << "\n    service: crisp-lab-registry\n    issuer: crisp-lab-token\n"
         "    rootcertbundle: "
      << o.token_cert << "\n";
  }
  if (o.proxy) {
    y << "proxy:\n  remoteurl: http://"
      << (o.upstream.empty() ? LabRegistry() : o.upstream) << "\n";
  }
  y.close();
  if (!process_.Start({"docker-registry", "serve", dir_ + "/config.yml"},
                      dir_ + "/registry.log")) {
    return "cannot start docker-registry";
  }
  std::string scheme = o.tls ? "https://" : "http://";
  image::TlsOptions probe;
  probe.verify = false;
  if (o.client_certs)
    probe.cert_file = client_cert(), probe.key_file = client_key();
  if (!WaitHttp(scheme + host() + "/v2/", probe)) {
    return "registry not up: " + log();
  }
  return "";
}

TokenServer::TokenServer() : dir_(MakeTempDir()) {}
TokenServer::~TokenServer() { (void)RemoveAll(dir_); }

std::string TokenServer::realm() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/token";
}

std::string TokenServer::Start() {
  port_ = FreePort();
  std::string script =
      std::string(CRISP_SOURCE_DIR) + "/hack/token-server/token_server.py";
  if (!Run("mkdir -p " + dir_ +
           "/keys && openssl req -x509 -newkey rsa:2048 "
           "-nodes -days 2 -subj /CN=crisp-lab-token -keyout " +
           dir_ + "/keys/key.pem -out " + cert() + " >/dev/null 2>&1")) {
    return "openssl failed";
  }
  if (!process_.Start(
          {"python3", script, "--listen", "127.0.0.1:" + std::to_string(port_),
           "--key", dir_ + "/keys/key.pem", "--cert", cert()},
          dir_ + "/token-server.log")) {
    return "cannot start " + script;
  }
  std::string stats = "http://127.0.0.1:" + std::to_string(port_) + "/stats";
  if (!WaitHttp(stats)) return "token server not up";
  return "";
}

int TokenServer::Issued() const {
  image::HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port_) + "/stats";
  auto resp = image::HttpDo(req);
  if (!resp.ok()) return -1;
  return nlohmann::json::parse(resp->body).value("issued", -1);
}

std::string TokenServer::Token(const std::string& scope) const {
  image::HttpRequest req;
  req.url = realm() + "?service=crisp-lab-registry&scope=" + scope;
  req.headers.push_back("Authorization: Basic Y3Jpc3A6Y3Jpc3Atc2VjcmV0");
  auto resp = image::HttpDo(req);
  if (!resp.ok() || resp->status != 200) return "";
  return nlohmann::json::parse(resp->body).value("token", "");
}

}  // namespace crisp::testing
