// Per-interface traffic counters of a network namespace, read over
// rtnetlink (RTM_GETLINK dump, IFLA_STATS64) from a socket opened inside
// the pinned namespace: nothing is spawned and no thread of crispd but a
// short-lived one ever enters the pod's namespace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crisp::sandbox {

struct LinkStats {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0;
};

// Parses one datagram of an RTM_GETLINK dump, appending each link to
// `out`. True once the dump's NLMSG_DONE is seen; InvalidArgument on a
// truncated message, the kernel's error on NLMSG_ERROR. Pure: unit-tested
// on crafted buffers.
[[nodiscard]] absl::StatusOr<bool> ParseLinkDump(absl::string_view datagram,
                                                 std::vector<LinkStats>* out);

// Every link of the network namespace pinned at `netns_path`, loopback
// included (callers drop what they do not report).
[[nodiscard]] absl::StatusOr<std::vector<LinkStats>> ReadNetnsLinkStats(
    const std::string& netns_path);

}  // namespace crisp::sandbox
