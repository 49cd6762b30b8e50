// crisp_cri_pull ENDPOINT IMAGE: one CRI PullImage (the same call kubelet
// makes) against any CRI runtime; prints the image id and the wall time in
// milliseconds. Used by hack/bench/pull.sh to time crispd and containerd
// the same way.
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/support/cri_client.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s unix:///path/to.sock IMAGE\n", argv[0]);
    return 2;
  }
  crisp::testing::CriClient client(argv[1], std::chrono::seconds(600));
  if (!client.WaitReady(std::chrono::seconds(10))) {
    std::fprintf(stderr, "%s: not reachable\n", argv[1]);
    return 1;
  }
  runtime::v1::PullImageResponse resp;
  auto start = std::chrono::steady_clock::now();
  grpc::Status s = client.PullImage(argv[2], &resp);
  auto ms = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now() - start)
                .count();
  if (!s.ok()) {
    std::fprintf(stderr, "PullImage %s: %s\n", argv[2],
                 s.error_message().c_str());
    return 1;
  }
  std::printf("%s %.1f\n", resp.image_ref().c_str(), ms);
  return 0;
}
