#include "image/registry/registry_client.h"

#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/content/digester.h"
#include "image/registry/address_policy.h"

namespace crisp::image {
namespace {

constexpr char kDockerHubHost[] = "registry-1.docker.io";

TlsOptions TlsFor(const RegistryHost* h) {
  TlsOptions t;
  if (h == nullptr) return t;
  t.verify = !h->insecure_skip_verify;
  t.ca_file = h->ca_file;
  t.cert_file = h->cert_file;
  t.key_file = h->key_file;
  return t;
}

const RegistryHost* HostConfig(const RegistryOptions& o, const std::string& h) {
  auto it = o.hosts.find(h);
  return it == o.hosts.end() ? nullptr : &it->second;
}

std::string HostOf(absl::string_view url) {
  std::string origin = UrlOrigin(url);
  return std::string(origin.substr(origin.find("://") + 3));
}

// The CRI error names the object, the registry and the status; the body
// goes to crispd's log only: a registry (or where it redirected) may echo
// anything, and PullImage errors reach the pod's author (audit L3).
absl::Status HttpError(const HttpResponse& r, const std::string& what) {
  LOG(WARNING) << what << ": HTTP " << r.status << ": "
               << absl::CHexEscape(r.body.substr(0, 300));
  std::string msg = absl::StrCat(what, ": HTTP ", r.status);
  switch (r.status) {
    case 401:
      return absl::UnauthenticatedError(msg);
    case 403:
      return absl::PermissionDeniedError(msg);
    case 404:
      return absl::NotFoundError(msg);
    case 429:
      return absl::ResourceExhaustedError(msg);
    default:
      return absl::UnavailableError(msg);
  }
}

bool Retryable(const absl::StatusOr<HttpResponse>& r) {
  if (!r.ok()) {
    return absl::IsUnavailable(r.status()) ||
           absl::IsDeadlineExceeded(r.status());
  }
  return r->status == 429 || r->status >= 500;
}

// A digest locator ("algorithm:hex"; a tag has no ':') pins the content:
// it is checked with the locator's own algorithm, so that sha512 pins are
// enforced as sha256 ones are.
absl::Status VerifyPinned(const std::string& locator, absl::string_view body,
                          const std::string& what) {
  size_t colon = locator.find(':');
  if (colon == std::string::npos) return absl::OkStatus();
  ASSIGN_OR_RETURN(Digester d, Digester::Create(locator.substr(0, colon)));
  d.Update(body.data(), body.size());
  if (d.Digest() == locator) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(what, ": content has digest ",
                                          d.Digest(), ", not ", locator));
}

}  // namespace

std::vector<Endpoint> EndpointsFor(const std::string& domain,
                                   const RegistryOptions& options) {
  std::vector<Endpoint> out;
  const RegistryHost* cfg = HostConfig(options, domain);
  if (cfg != nullptr) {
    for (const std::string& m : cfg->mirrors) {
      std::string base(absl::StripSuffix(absl::StripSuffix(m, "/"), "/v2"));
      out.push_back(
          {base, TlsFor(HostConfig(options, HostOf(base))), true, false});
    }
  }
  std::string host = domain == "docker.io" ? kDockerHubHost : domain;
  bool plain = cfg != nullptr && cfg->plain_http;
  Endpoint origin{absl::StrCat(plain ? "http://" : "https://", host),
                  TlsFor(cfg), false, !plain && IsLoopbackHost(domain)};
  out.push_back(origin);
  return out;
}

std::unique_ptr<RegistrySession> RegistryClient::Open(
    const Reference& ref, Credentials credentials,
    std::function<bool()> cancelled) {
  return std::unique_ptr<RegistrySession>(new RegistrySession(
      this, ref, std::move(credentials), std::move(cancelled)));
}

bool RegistryClient::ClearTextOk(absl::string_view host) const {
  if (IsLoopbackHost(host)) return true;
  auto it = options_.hosts.find(std::string(host));
  return it != options_.hosts.end() &&
         (it->second.plain_http || it->second.insecure_skip_verify);
}

std::string RegistryClient::KnownScheme(const std::string& base) {
  absl::MutexLock lock(&mu_);
  auto it = schemes_.find(base);
  return it == schemes_.end() ? "" : it->second;
}

void RegistryClient::SetScheme(const std::string& base,
                               const std::string& scheme) {
  absl::MutexLock lock(&mu_);
  schemes_[base] = scheme;
}

RegistrySession::RegistrySession(RegistryClient* client, Reference ref,
                                 Credentials credentials,
                                 std::function<bool()> cancelled)
    : client_(client),
      ref_(std::move(ref)),
      credentials_(std::move(credentials)),
      cancelled_(std::move(cancelled)),
      endpoints_(EndpointsFor(ref_.domain, client->options())) {}

bool RegistrySession::Cancelled() const { return cancelled_ && cancelled_(); }

// Sleeps `delay` in short steps, so that a cancelled pull does not wait out
// its backoff; false when cancelled.
bool RegistrySession::Backoff(std::chrono::milliseconds delay) const {
  auto end = std::chrono::steady_clock::now() + delay;
  while (!Cancelled()) {
    auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds(0)) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        left, std::chrono::milliseconds(100)));
  }
  return false;
}

std::string RegistrySession::Url(const Endpoint& ep, absl::string_view kind,
                                 absl::string_view what) const {
  return absl::StrCat(ep.base, "/v2/", ref_.path, "/", kind, "/", what);
}

std::vector<Endpoint> RegistrySession::Ordered() {
  std::vector<Endpoint> eps = endpoints_;
  absl::MutexLock lock(&mu_);
  if (preferred_ > 0 && preferred_ < static_cast<int>(eps.size())) {
    std::rotate(eps.begin(), eps.begin() + preferred_,
                eps.begin() + preferred_ + 1);
  }
  return eps;
}

// One request, and for a loopback origin without config the choice of
// scheme: plain HTTP first, which costs a local round trip (a TLS server
// answers it at once with 400 or a closed connection), then HTTPS. Trying
// HTTPS first, as containerd does, costs a TLS handshake and the load of
// the CA bundle (~20 ms) on every cold pull from a plain local registry.
absl::StatusOr<HttpResponse> RegistrySession::SendOnce(const Endpoint& ep,
                                                       HttpRequest req) {
  req.tls = ep.tls;
  req.timeouts = client_->options().timeouts;
  req.loopback_ok = IsLoopbackHost(HostOf(ep.base));
  req.cancelled = cancelled_;
  if (!ep.may_fall_back_to_http) return Send(ep, req);
  std::string known = client_->KnownScheme(ep.base);
  if (known == "https") return Send(ep, req);
  HttpRequest plain = req;
  plain.url = "http://" + std::string(absl::StripPrefix(req.url, "https://"));
  auto resp = Send(ep, plain);
  if (known == "http") return resp;
  bool no_http =
      resp.ok() ? resp->status == 400 : absl::IsUnavailable(resp.status());
  if (!no_http) {
    client_->SetScheme(ep.base, "http");
    return resp;
  }
  auto tls = Send(ep, req);
  if (tls.ok()) client_->SetScheme(ep.base, "https");
  return tls;
}

absl::StatusOr<HttpResponse> RegistrySession::Send(const Endpoint& ep,
                                                   HttpRequest req) {
  std::string auth;
  {
    absl::MutexLock lock(&mu_);
    auth = auth_[ep.base];
  }
  HttpRequest first = req;
  if (!auth.empty()) first.headers.push_back(auth);
  ASSIGN_OR_RETURN(HttpResponse resp, HttpDo(first));
  if (resp.status != 401) return resp;
  auto challenges = ParseChallenges(resp.Headers("www-authenticate"));
  if (challenges.empty()) return resp;
  // Credentials naming another registry are not offered to this one.
  static const Credentials kAnonymous;
  const Credentials& creds = CredentialsApplyTo(credentials_, HostOf(ep.base))
                                 ? credentials_
                                 : kAnonymous;
  if (creds.empty() && challenges[0].scheme == "basic") return resp;
  AuthContext ctx{
      &creds,
      absl::StrCat("repository:", ref_.path, ":pull"),
      req.tls,
      req.timeouts,
      &client_->tokens(),
      req.loopback_ok,
      [this](absl::string_view h) { return client_->ClearTextOk(h); },
      cancelled_};
  ASSIGN_OR_RETURN(auth, Authorize(challenges[0], ctx));
  {
    absl::MutexLock lock(&mu_);
    auth_[ep.base] = auth;
  }
  req.headers.push_back(auth);
  return HttpDo(req);
}

absl::StatusOr<HttpResponse> RegistrySession::SendWithRetries(
    const Endpoint& ep, const HttpRequest& req, int attempts) {
  auto delay = client_->options().backoff;
  for (int attempt = 1;; ++attempt) {
    auto resp = SendOnce(ep, req);
    if (!Retryable(resp) || attempt >= attempts) {
      return resp;
    }
    VLOG(1) << req.url << ": attempt " << attempt << " failed ("
            << (resp.ok() ? absl::StrCat("HTTP ", resp->status)
                          : resp.status().ToString())
            << "), retrying in " << delay.count() << "ms";
    if (!Backoff(delay)) return resp;
    delay *= 2;
  }
}

absl::StatusOr<FetchedManifest> RegistrySession::GetManifest(
    const std::string& locator) {
  std::vector<std::string> errors;
  absl::Status last;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    const Endpoint& ep = endpoints_[i];
    HttpRequest req;
    req.url = Url(ep, "manifests", locator);
    req.headers.push_back(ManifestAcceptHeader());
    // A mirror gets one try: the origin is the fallback, not the retry.
    auto resp =
        SendWithRetries(ep, req, ep.mirror ? 1 : client_->options().attempts);
    std::string what =
        absl::StrCat("manifest ", ref_.Name(), ":", locator, " from ", ep.base);
    if (resp.ok() && resp->status == 200) {
      FetchedManifest m{std::move(resp->body), resp->Header("content-type"),
                        ""};
      m.digest = Sha256Digest(m.body);
      last = VerifyPinned(locator, m.body, what);
      if (!last.ok()) {
        errors.push_back(std::string(last.message()));
        continue;
      }
      absl::MutexLock lock(&mu_);
      preferred_ = static_cast<int>(i);
      return m;
    }
    last = resp.ok() ? HttpError(*resp, what) : Annotate(resp.status(), what);
    errors.push_back(std::string(last.message()));
    if (absl::IsCancelled(last)) break;  // the client went away
    if (ep.mirror) LOG(WARNING) << "mirror failed, trying next: " << last;
  }
  if (errors.size() > 1) {
    return absl::Status(last.code(), absl::StrJoin(errors, "; "));
  }
  return last;
}

absl::Status RegistrySession::FetchBlobFrom(const Endpoint& ep,
                                            const Descriptor& blob,
                                            BlobWriter* writer) {
  HttpRequest req;
  req.url = Url(ep, "blobs", blob.digest);
  if (writer->offset() > 0) {
    req.headers.push_back(absl::StrCat("Range: bytes=", writer->offset(), "-"));
  }
  bool first = true;
  req.sink = [&](long status, const char* data, size_t size) -> absl::Status {
    // A 200 to a Range request restarts the blob from byte 0.
    if (first && status == 200 && writer->offset() > 0) {
      RETURN_IF_ERROR(writer->Reset());
    }
    first = false;
    return writer->Write(data, size);
  };
  auto resp = SendOnce(ep, req);
  std::string what = absl::StrCat("blob ", blob.digest, " from ", ep.base);
  if (!resp.ok()) return Annotate(resp.status(), what);
  if (resp->status != 200 && resp->status != 206) return HttpError(*resp, what);
  if (static_cast<int64_t>(writer->offset()) != blob.size) {
    return absl::UnavailableError(
        absl::StrCat(what, ": connection ended after ", writer->offset(),
                     " of ", blob.size, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status RegistrySession::FetchBlob(const Descriptor& blob,
                                        BlobWriter* writer) {
  absl::Status last;
  for (const Endpoint& ep : Ordered()) {
    auto delay = client_->options().backoff;
    int attempts = ep.mirror ? 1 : client_->options().attempts;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      last = FetchBlobFrom(ep, blob, writer);
      if (last.ok()) return last;
      bool retry = absl::IsUnavailable(last) || absl::IsDeadlineExceeded(last);
      if (!retry) break;
      VLOG(1) << last << ": retrying in " << delay.count() << "ms";
      if (!Backoff(delay)) return last;
      delay *= 2;
    }
    if (absl::IsDataLoss(last)) RETURN_IF_ERROR(writer->Reset());
    if (absl::IsCancelled(last)) break;  // the client went away
  }
  return last;
}

}  // namespace crisp::image
