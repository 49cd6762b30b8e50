#include "tests/integration/image/lab.h"

#include <cstdlib>

#include "image/content/digester.h"
#include "image/registry/http_client.h"
#include "image/registry/manifest.h"

namespace crisp::testing {
namespace {

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

bool Answers(const std::string& url, const std::string& ca) {
  image::HttpRequest req;
  req.url = url;
  req.tls.ca_file = ca;
  req.timeouts.connect_seconds = 2;
  auto resp = image::HttpDo(req);
  return resp.ok() && (resp->status == 200 || resp->status == 401);
}

}  // namespace

std::string LabRegistry() {
  return Env("CRISP_LAB_REGISTRY", "127.0.0.1:5000");
}
std::string LabTlsRegistry() {
  return Env("CRISP_LAB_TLS_REGISTRY", "127.0.0.1:5443");
}
std::string LabCaFile() {
  return Env("CRISP_LAB_DIR", "/var/lib/crisp-lab") + "/tls/ca.crt";
}

bool LabUp() { return Answers("http://" + LabRegistry() + "/v2/", ""); }
bool LabTlsUp() {
  return Answers("https://" + LabTlsRegistry() + "/v2/", LabCaFile());
}

std::string LabManifest(const std::string& repo, const std::string& ref,
                        const std::string& accept) {
  image::HttpRequest req;
  req.url = "http://" + LabRegistry() + "/v2/" + repo + "/manifests/" + ref;
  req.headers.push_back(accept.empty() ? image::ManifestAcceptHeader()
                                       : "Accept: " + accept);
  auto resp = image::HttpDo(req);
  return resp.ok() && resp->status == 200 ? resp->body : "";
}

std::string LabManifestDigest(const std::string& repo, const std::string& tag,
                              const std::string& accept) {
  std::string body = LabManifest(repo, tag, accept);
  return body.empty() ? "" : image::Sha256Digest(body);
}

}  // namespace crisp::testing
