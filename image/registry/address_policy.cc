#include "image/registry/address_policy.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crisp::image {
namespace {

AddressClass ClassifyV4(const unsigned char* a) {
  if (a[0] == 127) return AddressClass::kLoopback;
  if (a[0] == 169 && a[1] == 254) return AddressClass::kLinkLocal;
  return AddressClass::kOther;
}

AddressClass ClassifyV6(const unsigned char* a) {
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                                0, 0, 0, 0, 0xff, 0xff};
  static constexpr unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                  0, 0, 0, 0, 0, 0, 0, 1};
  if (std::memcmp(a, kMapped, sizeof kMapped) == 0) return ClassifyV4(a + 12);
  if (std::memcmp(a, kLoopback, sizeof kLoopback) == 0) {
    return AddressClass::kLoopback;
  }
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  return AddressClass::kOther;
}

// The host of "host", "host:port", "[v6]" or "[v6]:port".
absl::string_view StripPort(absl::string_view host) {
  if (absl::StartsWith(host, "[")) {
    size_t close = host.find(']');
    return close == absl::string_view::npos ? host.substr(1)
                                            : host.substr(1, close - 1);
  }
  // A bare IPv6 literal has several colons; only host:port has one.
  if (host.find(':') != host.rfind(':')) return host;
  return host.substr(0, host.find(':'));
}

}  // namespace

AddressClass ClassifyAddress(absl::string_view ip) {
  std::string text(ip);
  size_t zone = text.find('%');  // fe80::1%eth0
  if (zone != std::string::npos) text.resize(zone);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return ClassifyV4(buf);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return ClassifyV6(buf);
  return AddressClass::kOther;
}

bool IsLoopbackHost(absl::string_view host) {
  absl::string_view h = StripPort(host);
  return absl::AsciiStrToLower(h) == "localhost" ||
         ClassifyAddress(h) == AddressClass::kLoopback;
}

absl::Status CheckRegistryChosenTarget(absl::string_view url,
                                       absl::string_view ip, bool loopback_ok) {
  AddressClass c = ClassifyAddress(ip);
  if (c == AddressClass::kOther) return absl::OkStatus();
  if (c == AddressClass::kLoopback && loopback_ok) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      url, ": refused to connect to ", ip, ", a ",
      c == AddressClass::kLinkLocal ? "link-local" : "loopback",
      " address, named by a registry redirect or token realm (a redirect or "
      "realm may reach loopback only from a loopback registry, and "
      "link-local never)"));
}

}  // namespace crisp::image
