#include "image/registry/registry_auth.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "common/status.h"
#include "glog/logging.h"
#include "image/content/digester.h"

namespace crisp::image {
namespace {

using json::Json;

constexpr int64_t kDefaultTokenSeconds = 60;  // the distribution spec's
// A token is kept at most a day, whatever the server says: a huge
// expires_in must not overflow the clock arithmetic.
constexpr int64_t kMaxTokenSeconds = int64_t{24} * 3600;

std::string UrlEscape(absl::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// Reads `key=value` or `key="quoted value"` at `s`, advancing it.
bool ReadParam(absl::string_view& s, std::string* key, std::string* value) {
  s = absl::StripLeadingAsciiWhitespace(s);
  size_t eq = s.find('=');
  if (eq == absl::string_view::npos) return false;
  *key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(s.substr(0, eq)));
  s.remove_prefix(eq + 1);
  value->clear();
  if (!s.empty() && s[0] == '"') {
    size_t i = 1;
    for (; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      value->push_back(s[i]);
    }
    s.remove_prefix(std::min(i + 1, s.size()));
  } else {
    size_t end = s.find(',');
    *value = std::string(absl::StripAsciiWhitespace(s.substr(0, end)));
    s.remove_prefix(end == absl::string_view::npos ? s.size() : end);
  }
  s = absl::StripLeadingAsciiWhitespace(s);
  if (!s.empty() && s[0] == ',') s.remove_prefix(1);
  return true;
}

std::string BasicHeader(const Credentials& c) {
  return "Authorization: Basic " +
         absl::Base64Escape(absl::StrCat(c.username, ":", c.password));
}

// Credentials never cross the network in clear text unless the node said
// that host may have them (audit L2).
absl::Status CheckRealmScheme(const std::string& realm,
                              const AuthContext& ctx) {
  const Credentials& c = *ctx.credentials;
  bool sends_secret = !c.username.empty() || !c.identity_token.empty();
  if (!sends_secret || !absl::StartsWithIgnoreCase(realm, "http://")) {
    return absl::OkStatus();
  }
  std::string origin = UrlOrigin(realm);
  std::string host = origin.substr(origin.find("://") + 3);
  if (ctx.clear_text_ok && ctx.clear_text_ok(host)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "token realm ", origin,
      " is plain HTTP: credentials are not sent there (set plain_http for \"",
      host, "\" in crisp.toml if that is intended)"));
}

absl::StatusOr<HttpRequest> TokenRequest(const Challenge& ch,
                                         const AuthContext& ctx) {
  auto realm = ch.params.find("realm");
  if (realm == ch.params.end() || realm->second.empty()) {
    return absl::UnauthenticatedError("Bearer challenge without a realm");
  }
  RETURN_IF_ERROR(CheckRealmScheme(realm->second, ctx));
  std::string service =
      ch.params.count("service") ? ch.params.at("service") : "";
  std::string scope =
      ch.params.count("scope") ? ch.params.at("scope") : ctx.scope;
  HttpRequest req;
  req.tls = ctx.tls;
  req.timeouts = ctx.timeouts;
  req.registry_chosen = true;
  req.loopback_ok = ctx.loopback_ok;
  req.cancelled = ctx.cancelled;
  const Credentials& c = *ctx.credentials;
  if (!c.identity_token.empty()) {
    // docker's OAuth2 flow: exchange the refresh token for an access token.
    req.method = "POST";
    req.url = realm->second;
    req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    req.body = absl::StrCat("grant_type=refresh_token&client_id=crisp&service=",
                            UrlEscape(service), "&scope=", UrlEscape(scope),
                            "&refresh_token=", UrlEscape(c.identity_token));
    return req;
  }
  req.url = absl::StrCat(
      realm->second, realm->second.find('?') == std::string::npos ? "?" : "&",
      "service=", UrlEscape(service), "&scope=", UrlEscape(scope));
  if (!c.username.empty()) req.headers.push_back(BasicHeader(c));
  return req;
}

// The token and its lifetime in seconds from the token server's answer;
// `what` names the server in errors.
absl::StatusOr<std::string> ParseTokenAnswer(absl::string_view body,
                                             const std::string& what,
                                             int64_t* expires_in) {
  ASSIGN_OR_RETURN(Json j, json::ParseObject(body, what));
  ASSIGN_OR_RETURN(std::string token, json::StringOr(j, "token", "", what));
  if (token.empty()) {
    ASSIGN_OR_RETURN(token, json::StringOr(j, "access_token", "", what));
  }
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": sent no token"));
  }
  ASSIGN_OR_RETURN(*expires_in,
                   json::Int64Or(j, "expires_in", kDefaultTokenSeconds, what));
  return token;
}

absl::StatusOr<std::string> FetchToken(const Challenge& ch,
                                       const AuthContext& ctx,
                                       int64_t* expires_in) {
  ASSIGN_OR_RETURN(HttpRequest req, TokenRequest(ch, ctx));
  ASSIGN_OR_RETURN(HttpResponse resp, HttpDo(req));
  std::string what = absl::StrCat("token server ", UrlOrigin(req.url));
  if (resp.status != 200) {
    // The body stays in crispd's log: the realm is the registry's choice,
    // and a PullImage error reaches the pod's author (audit L3).
    LOG(WARNING) << what << ": HTTP " << resp.status << ": "
                 << absl::CHexEscape(resp.body.substr(0, 300));
  }
  if (resp.status == 401 || resp.status == 403) {
    return absl::UnauthenticatedError(absl::StrCat(
        what, " refused the credentials (HTTP ", resp.status, ")"));
  }
  if (resp.status != 200) {
    return absl::UnavailableError(absl::StrCat(what, ": HTTP ", resp.status));
  }
  auto token = ParseTokenAnswer(resp.body, what, expires_in);
  // A broken answer is the server's fault, not the request's.
  if (!token.ok()) return absl::UnavailableError(token.status().message());
  return token;
}

}  // namespace

namespace {

// "host[:port]" of a URL or of a bare "host[:port][/path]", lowercase, with
// Docker Hub's names folded into one.
std::string NormalHost(absl::string_view address) {
  size_t scheme = address.find("://");
  if (scheme != absl::string_view::npos) address.remove_prefix(scheme + 3);
  std::string host =
      absl::AsciiStrToLower(address.substr(0, address.find('/')));
  if (host == "index.docker.io" || host == "registry-1.docker.io") {
    return "docker.io";
  }
  return host;
}

}  // namespace

bool CredentialsApplyTo(const Credentials& c, absl::string_view host) {
  if (c.server_address.empty()) return true;
  return NormalHost(c.server_address) == NormalHost(host);
}

absl::StatusOr<Credentials> DecodeAuth(absl::string_view auth) {
  std::string plain;
  if (!absl::Base64Unescape(auth, &plain)) {
    return absl::InvalidArgumentError("auth: not valid base64");
  }
  size_t colon = plain.find(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("auth: not \"user:password\"");
  }
  Credentials c;
  c.username = plain.substr(0, colon);
  c.password = plain.substr(colon + 1);
  return c;
}

// Tokens are shared only by requests with the very same credential: the
// key holds a SHA-256 of every secret, not just the username, so another
// password or identity token for the same user (GCR's oauth2accesstoken,
// ACR's all-zero user, a robot account, a wrong password) fetches its own.
std::string TokenCacheKey(const Challenge& ch, const AuthContext& ctx) {
  const Credentials& c = *ctx.credentials;
  auto param = [&](const char* k) {
    auto it = ch.params.find(k);
    return it == ch.params.end() ? std::string() : it->second;
  };
  // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
  std::string secret =
      absl::StrCat(c.username.size(), ":", c.username, c.password.size(), ":",
                   c.password, c.identity_token.size(), ":", c.identity_token);
  return absl::StrCat(param("realm"), "|", param("service"), "|", ctx.scope,
                      "|", Sha256Digest(secret));
}

std::vector<Challenge> ParseChallenges(const std::vector<std::string>& values) {
  std::vector<Challenge> out;
  for (absl::string_view s : values) {
    s = absl::StripAsciiWhitespace(s);
    size_t sp = s.find(' ');
    Challenge ch;
    ch.scheme = absl::AsciiStrToLower(s.substr(0, sp));
    s.remove_prefix(sp == absl::string_view::npos ? s.size() : sp);
    std::string key, value;
    while (ReadParam(s, &key, &value)) ch.params[key] = value;
    out.push_back(std::move(ch));
  }
  return out;
}

std::string TokenCache::Get(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return "";
  if (it->second.expiry <= std::chrono::steady_clock::now()) {
    entries_.erase(it);
    return "";
  }
  return it->second.value;
}

void TokenCache::Put(const std::string& key, std::string value,
                     std::chrono::steady_clock::time_point expiry) {
  auto now = std::chrono::steady_clock::now();
  absl::MutexLock lock(&mu_);
  // Every repository ever pulled leaves a key: sweep, and cap the size.
  std::erase_if(entries_,
                [&](const auto& e) { return e.second.expiry <= now; });
  if (entries_.size() >= kMaxEntries && entries_.count(key) == 0) {
    auto soonest = std::min_element(entries_.begin(), entries_.end(),
                                    [](const auto& a, const auto& b) {
                                      return a.second.expiry < b.second.expiry;
                                    });
    entries_.erase(soonest);
  }
  entries_[key] = {std::move(value), expiry};
}

size_t TokenCache::size() {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

absl::StatusOr<std::string> Authorize(const Challenge& ch,
                                      const AuthContext& ctx) {
  const Credentials& c = *ctx.credentials;
  if (!c.registry_token.empty()) {
    return "Authorization: Bearer " + c.registry_token;
  }
  if (ch.scheme == "basic") {
    if (c.username.empty()) {
      return absl::UnauthenticatedError(
          "registry requires Basic authentication and no credentials were "
          "given");
    }
    return BasicHeader(c);
  }
  if (ch.scheme != "bearer") {
    return absl::UnauthenticatedError(
        absl::StrCat("unsupported authentication scheme \"", ch.scheme, "\""));
  }
  std::string key = TokenCacheKey(ch, ctx);
  std::string cached = ctx.cache->Get(key);
  if (!cached.empty()) return cached;
  int64_t expires_in = kDefaultTokenSeconds;
  ASSIGN_OR_RETURN(std::string token, FetchToken(ch, ctx, &expires_in));
  std::string header = "Authorization: Bearer " + token;
  // Renew a little early so that a request never carries a dying token.
  auto life = std::chrono::seconds(
      std::max<int64_t>(std::min(expires_in, kMaxTokenSeconds) - 10, 1));
  ctx.cache->Put(key, header, std::chrono::steady_clock::now() + life);
  return header;
}

}  // namespace crisp::image
