#include "image/registry/reference.h"

#include <cctype>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace crisp::image {
namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxTagLength = 128;
constexpr char kDefaultDomain[] = "docker.io";

bool IsLowerAlnum(char c) { return std::islower(c) || std::isdigit(c); }

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, where a separator is
// "_", ".", "__" or one or more "-".
bool ValidPathComponent(absl::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  size_t i = 0;
  while (i < s.size()) {
    if (IsLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !IsLowerAlnum(s[j])) ++j;
    absl::string_view sep = s.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == absl::string_view::npos;
    if (!(sep == "_" || sep == "." || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

bool ValidHostLabel(absl::string_view s) {
  if (s.empty() || !std::isalnum(s.front()) || !std::isalnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!std::isalnum(c) && c != '-') return false;
  }
  return true;
}

bool ValidPort(absl::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (!std::isdigit(c)) return false;
  }
  return true;
}

// domain := (domain-name | "[" ipv6 "]") [":" port]
bool ValidDomain(absl::string_view d) {
  absl::string_view host = d;
  if (absl::StartsWith(d, "[")) {
    size_t close = d.find(']');
    if (close == absl::string_view::npos || close < 3) return false;
    for (char c : d.substr(1, close - 1)) {
      if (!std::isxdigit(c) && c != ':') return false;
    }
    absl::string_view rest = d.substr(close + 1);
    return rest.empty() || (rest[0] == ':' && ValidPort(rest.substr(1)));
  }
  size_t colon = d.find(':');
  if (colon != absl::string_view::npos) {
    if (!ValidPort(d.substr(colon + 1))) return false;
    host = d.substr(0, colon);
  }
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (!ValidHostLabel(label)) return false;
  }
  return true;
}

bool ValidTag(absl::string_view t) {
  if (t.empty() || t.size() > kMaxTagLength) return false;
  if (!std::isalnum(t[0]) && t[0] != '_') return false;
  for (char c : t) {
    if (!std::isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!std::isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

absl::Status Invalid(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid image reference \"", text, "\": ", why));
}

// Splits "remote-name" into domain and path as docker's
// ParseNormalizedNamed does: the first component is a domain only when it
// has a "." or ":" or is "localhost".
void SplitDomain(absl::string_view name, Reference* ref) {
  size_t slash = name.find('/');
  absl::string_view first = name.substr(0, slash);
  if (slash == absl::string_view::npos ||
      (first.find_first_of(".:") == absl::string_view::npos &&
       first != "localhost" && first.find('[') == absl::string_view::npos)) {
    ref->domain = kDefaultDomain;
    ref->path = std::string(name);
  } else {
    ref->domain = std::string(first);
    ref->path = std::string(name.substr(slash + 1));
  }
  if (ref->domain == "index.docker.io") ref->domain = kDefaultDomain;
  if (ref->domain == kDefaultDomain && ref->path.find('/') == std::string::npos)
    ref->path = "library/" + ref->path;
}

absl::Status ValidateName(absl::string_view text, const Reference& ref) {
  if (!ValidDomain(ref.domain)) {
    return Invalid(text,
                   absl::StrCat("bad registry host \"", ref.domain, "\""));
  }
  for (absl::string_view c : absl::StrSplit(ref.path, '/')) {
    if (c.empty()) return Invalid(text, "empty path component");
    if (absl::AsciiStrToLower(c) != c) {
      return Invalid(text, "repository name must be lowercase");
    }
    if (!ValidPathComponent(c)) {
      return Invalid(text, absl::StrCat("bad path component \"", c, "\""));
    }
  }
  if (ref.Name().size() > kMaxNameLength) {
    return Invalid(text, "repository name longer than 255 characters");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDigest(absl::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid digest \"", digest, "\": no algorithm"));
  }
  absl::string_view algo = digest.substr(0, colon);
  absl::string_view hex = digest.substr(colon + 1);
  size_t want = algo == "sha256" ? 64 : algo == "sha512" ? 128 : 0;
  if (want == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid digest \"", digest, "\": unsupported algorithm ", algo));
  }
  if (hex.size() != want || !IsHex(hex)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid digest \"", digest, "\": want ", want, " lowercase hex"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Reference> ParseReference(absl::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  if (text.size() == 64 && IsHex(text)) {
    return Invalid(text, "cannot specify 64-byte hexadecimal strings");
  }
  Reference ref;
  absl::string_view rest = text;
  size_t at = rest.find('@');
  if (at != absl::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    absl::Status s = ValidateDigest(ref.digest);
    if (!s.ok()) return Invalid(text, s.message());
    rest = rest.substr(0, at);
  }
  // A tag follows the last ":" that comes after the last "/".
  size_t colon = rest.rfind(':');
  size_t slash = rest.rfind('/');
  if (colon != absl::string_view::npos &&
      (slash == absl::string_view::npos || colon > slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!ValidTag(ref.tag)) {
      return Invalid(text, absl::StrCat("bad tag \"", ref.tag, "\""));
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return Invalid(text, "empty repository name");
  SplitDomain(rest, &ref);
  absl::Status valid = ValidateName(text, ref);
  if (!valid.ok()) return valid;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string Reference::String() const {
  std::string s = Name();
  if (!tag.empty()) absl::StrAppend(&s, ":", tag);
  if (!digest.empty()) absl::StrAppend(&s, "@", digest);
  return s;
}

std::string Reference::TagRef() const {
  return tag.empty() ? "" : absl::StrCat(Name(), ":", tag);
}

std::string Reference::DigestRef(absl::string_view d) const {
  return absl::StrCat(Name(), "@", d);
}

}  // namespace crisp::image
