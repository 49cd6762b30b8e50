#include "sandbox/link_stats.h"

#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/unique_fd.h"
#include "glog/logging.h"

namespace crisp::sandbox {
namespace {

constexpr size_t Align(size_t n) { return (n + 3) & ~size_t{3}; }

// Copies a T out of `data` at `offset` (netlink buffers carry no
// alignment promise for the reader).
template <typename T>
bool Load(absl::string_view data, size_t offset, T* out) {
  if (offset > data.size() || data.size() - offset < sizeof(T)) return false;
  std::memcpy(out, data.data() + offset, sizeof(T));
  return true;
}

void FillFrom(const rtnl_link_stats64& s, LinkStats& l) {
  l.rx_bytes = s.rx_bytes;
  l.rx_packets = s.rx_packets;
  l.rx_errors = s.rx_errors;
  l.rx_dropped = s.rx_dropped;
  l.tx_bytes = s.tx_bytes;
  l.tx_packets = s.tx_packets;
  l.tx_errors = s.tx_errors;
  l.tx_dropped = s.tx_dropped;
}

// The attributes of one RTM_NEWLINK payload (after its ifinfomsg).
LinkStats ParseLinkAttributes(absl::string_view attrs) {
  LinkStats link;
  size_t at = 0;
  rtattr rta;
  while (Load(attrs, at, &rta) && rta.rta_len >= sizeof(rtattr) &&
         rta.rta_len <= attrs.size() - at) {
    absl::string_view value =
        attrs.substr(at + RTA_LENGTH(0), rta.rta_len - RTA_LENGTH(0));
    if (rta.rta_type == IFLA_IFNAME) {
      link.name = std::string(value.substr(0, value.find('\0')));
    } else if (rta.rta_type == IFLA_STATS64) {
      rtnl_link_stats64 s{};
      if (Load(value, 0, &s)) FillFrom(s, link);
    }
    at += Align(rta.rta_len);
  }
  return link;
}

absl::Status ErrorOf(absl::string_view payload) {
  nlmsgerr err{};
  if (!Load(payload, 0, &err)) {
    return absl::InvalidArgumentError("netlink: truncated error message");
  }
  if (err.error == 0) return absl::OkStatus();
  return ErrnoToStatus(-err.error, "netlink: RTM_GETLINK");
}

}  // namespace

absl::StatusOr<bool> ParseLinkDump(absl::string_view datagram,
                                   std::vector<LinkStats>* out) {
  size_t at = 0;
  nlmsghdr h;
  while (at < datagram.size()) {
    if (!Load(datagram, at, &h) || h.nlmsg_len < sizeof(nlmsghdr) ||
        h.nlmsg_len > datagram.size() - at) {
      return absl::InvalidArgumentError(
          absl::StrCat("netlink: truncated message at byte ", at));
    }
    absl::string_view payload = datagram.substr(
        at + NLMSG_HDRLEN,
        h.nlmsg_len - std::min<size_t>(h.nlmsg_len, NLMSG_HDRLEN));
    if (h.nlmsg_type == NLMSG_DONE) return true;
    if (h.nlmsg_type == NLMSG_ERROR) {
      RETURN_IF_ERROR(ErrorOf(payload));
    } else if (h.nlmsg_type == RTM_NEWLINK &&
               payload.size() >= NLMSG_ALIGN(sizeof(ifinfomsg))) {
      out->push_back(
          ParseLinkAttributes(payload.substr(NLMSG_ALIGN(sizeof(ifinfomsg)))));
    }
    at += NLMSG_ALIGN(h.nlmsg_len);
  }
  return false;
}

namespace {

// A NETLINK_ROUTE socket bound to the namespace at `netns_path`. A socket
// keeps the namespace it was made in, so only the making happens inside:
// on a thread of its own, which goes back to the host's namespace before
// it ends.
absl::StatusOr<UniqueFd> RouteSocketIn(const std::string& netns_path) {
  absl::StatusOr<UniqueFd> result = absl::InternalError("not run");
  std::thread([&] {
    UniqueFd target(open(netns_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!target) {
      result = LastErrno(absl::StrCat("open network namespace ", netns_path));
      return;
    }
    UniqueFd home(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!home) {
      result = LastErrno("open /proc/thread-self/ns/net");
      return;
    }
    if (setns(target.get(), CLONE_NEWNET) != 0) {
      result = LastErrno(absl::StrCat("setns into ", netns_path));
      return;
    }
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    result = fd >= 0
                 ? absl::StatusOr<UniqueFd>(UniqueFd(fd))
                 : LastErrno(absl::StrCat("netlink socket in ", netns_path));
    if (setns(home.get(), CLONE_NEWNET) != 0) {
      PLOG(WARNING) << "netlink reader thread: setns back to the host";
    }
  }).join();
  return result;
}

absl::Status SendDumpRequest(int fd) {
  struct {
    nlmsghdr h;
    ifinfomsg ifm;
  } req{};
  req.h.nlmsg_len = sizeof(req);
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  req.ifm.ifi_family = AF_UNSPEC;
  if (send(fd, &req, sizeof(req), 0) != static_cast<ssize_t>(sizeof(req))) {
    return LastErrno("netlink: send RTM_GETLINK");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<LinkStats>> ReadNetnsLinkStats(
    const std::string& netns_path) {
  ASSIGN_OR_RETURN(UniqueFd fd, RouteSocketIn(netns_path));
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  (void)setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
                   sizeof(timeout));
  RETURN_IF_ERROR(SendDumpRequest(fd.get()));
  std::vector<LinkStats> links;
  std::string buffer(size_t{32} << 10, '\0');
  for (;;) {
    ssize_t n = recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      return absl::UnavailableError(
          absl::StrCat("netlink: links of ", netns_path, ": socket closed"));
    }
    if (n < 0) {
      return LastErrno(absl::StrCat("netlink: read links of ", netns_path));
    }
    auto done = ParseLinkDump(
        absl::string_view(buffer.data(), static_cast<size_t>(n)), &links);
    if (!done.ok()) return Annotate(done.status(), netns_path);
    if (*done) return links;
  }
}

}  // namespace crisp::sandbox
