// Where crispd lets a registry send it (security audit L3): a redirect or a
// token realm is chosen by the registry, so it must not make crispd, in the
// host's network namespace, fetch from link-local metadata services or
// localhost-only ports. Addresses are judged after name resolution (a host
// name may resolve to 169.254.169.254), on the connection actually used.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crisp::image {

enum class AddressClass { kOther, kLoopback, kLinkLocal };

// The class of a numeric IPv4 or IPv6 address (IPv4-mapped IPv6 included);
// kOther for anything that is not an IP literal.
AddressClass ClassifyAddress(absl::string_view ip);

// True for "localhost" and for IP literals in 127.0.0.0/8 or ::1. `host`
// may carry a port and IPv6 brackets ("[::1]:5000"); a name that merely
// starts with "127." (127.example.com) is a host name, not loopback.
bool IsLoopbackHost(absl::string_view host);

// OK when a registry-chosen target at `ip` may be reached: never a
// link-local address, a loopback one only when `loopback_ok` (the registry
// itself is on loopback). PermissionDenied naming `url` otherwise.
absl::Status CheckRegistryChosenTarget(absl::string_view url,
                                       absl::string_view ip, bool loopback_ok);

}  // namespace crisp::image
