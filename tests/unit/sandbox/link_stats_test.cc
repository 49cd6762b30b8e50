// The RTM_GETLINK dump parser on datagrams built here byte by byte, as the
// kernel lays them out; and the pod cgroup path.
#include "sandbox/link_stats.h"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "sandbox/pod_cgroup.h"

namespace crisp::sandbox {
namespace {

void Pad(std::string& s) { s.resize((s.size() + 3) & ~size_t{3}, '\0'); }

std::string Attr(uint16_t type, const void* data, size_t len) {
  rtattr a{};
  a.rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
  a.rta_type = type;
  std::string s(reinterpret_cast<const char*>(&a), sizeof(a));
  s.append(static_cast<const char*>(data), len);
  Pad(s);
  return s;
}

std::string Message(uint16_t type, const std::string& payload) {
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + payload.size());
  h.nlmsg_type = type;
  h.nlmsg_flags = NLM_F_MULTI;
  std::string s(reinterpret_cast<const char*>(&h), sizeof(h));
  s.resize(NLMSG_HDRLEN, '\0');
  s += payload;
  Pad(s);
  return s;
}

std::string Link(const std::string& name, uint64_t rx, uint64_t tx,
                 uint64_t rx_errors) {
  ifinfomsg ifm{};
  std::string p(reinterpret_cast<const char*>(&ifm), sizeof(ifm));
  Pad(p);
  uint32_t mtu = 1500;
  p += Attr(IFLA_MTU, &mtu, sizeof(mtu));
  p += Attr(IFLA_IFNAME, name.c_str(), name.size() + 1);
  rtnl_link_stats64 st{};
  st.rx_bytes = rx;
  st.tx_bytes = tx;
  st.rx_errors = rx_errors;
  st.tx_errors = 2;
  st.rx_packets = 10;
  st.tx_packets = 20;
  p += Attr(IFLA_STATS64, &st, sizeof(st));
  return Message(RTM_NEWLINK, p);
}

TEST(LinkDumpTest, ParsesLinksUntilDone) {
  std::vector<LinkStats> links;
  std::string first = Link("lo", 100, 100, 0) + Link("eth0", 1234, 567, 1);
  auto done = ParseLinkDump(first, &links);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(*done);
  int zero = 0;
  done = ParseLinkDump(
      Link("net1", 7, 8, 0) +
          Message(NLMSG_DONE,
                  std::string(reinterpret_cast<char*>(&zero), sizeof(zero))),
      &links);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(*done);
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[1].name, "eth0");
  EXPECT_EQ(links[1].rx_bytes, 1234u);
  EXPECT_EQ(links[1].tx_bytes, 567u);
  EXPECT_EQ(links[1].rx_errors, 1u);
  EXPECT_EQ(links[1].tx_errors, 2u);
  EXPECT_EQ(links[1].rx_packets, 10u);
  EXPECT_EQ(links[1].tx_packets, 20u);
  EXPECT_EQ(links[2].name, "net1");
}

TEST(LinkDumpTest, MisalignedBufferIsFine) {
  std::string buf = " " + Link("eth0", 1, 2, 0);
  std::vector<LinkStats> links;
  auto done =
      ParseLinkDump(absl::string_view(buf).substr(1), &links);  // odd address
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].tx_bytes, 2u);
}

TEST(LinkDumpTest, TruncatedMessagesAreErrors) {
  std::string link = Link("eth0", 1, 2, 0);
  std::vector<LinkStats> links;
  EXPECT_EQ(
      ParseLinkDump(link.substr(0, link.size() - 8), &links).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseLinkDump(link.substr(0, 6), &links).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LinkDumpTest, AttributeOverrunStopsTheLinkNotTheParser) {
  ifinfomsg ifm{};
  std::string p(reinterpret_cast<const char*>(&ifm), sizeof(ifm));
  rtattr bad{};
  bad.rta_len = 400;  // beyond the message
  bad.rta_type = IFLA_IFNAME;
  p.append(reinterpret_cast<const char*>(&bad), sizeof(bad));
  std::vector<LinkStats> links;
  auto done = ParseLinkDump(Message(RTM_NEWLINK, p), &links);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].name, "");
}

TEST(LinkDumpTest, KernelErrorIsReturned) {
  nlmsgerr err{};
  err.error = -EPERM;
  std::vector<LinkStats> links;
  auto done = ParseLinkDump(
      Message(NLMSG_ERROR,
              std::string(reinterpret_cast<char*>(&err), sizeof(err))),
      &links);
  EXPECT_EQ(done.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(PodCgroupTest, PathFromTheCgroupParent) {
  PodSpec spec;
  EXPECT_EQ(PodCgroupPath(spec), "");
  spec.cgroup_parent = "/kubepods/burstable/pod-u1/";
  EXPECT_EQ(PodCgroupPath(spec), "/kubepods/burstable/pod-u1");
  spec.cgroup_parent = "kubepods";
  EXPECT_EQ(PodCgroupPath(spec), "/kubepods");
}

TEST(PodCgroupTest, NoCgroupParentIsNoPodCgroup) {
  runtime::cgroups::Layout layout;
  layout.mode = runtime::cgroups::Mode::kUnified;
  layout.unified_mount = "/nonexistent";
  Pod pod;
  pod.id = "p1";
  EXPECT_EQ(ReadPodCgroupStats(layout, pod).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(UpdatePodCgroup(layout, pod, {}).code(),
            absl::StatusCode::kFailedPrecondition);
  pod.spec.cgroup_parent = "/kubepods/pod-u1";
  EXPECT_EQ(UpdatePodCgroup(layout, pod, {}).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace crisp::sandbox
