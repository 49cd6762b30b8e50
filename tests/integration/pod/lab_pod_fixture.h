// A PodFixture whose crispd has pulled the lab registry's busybox, the
// image every container test runs.
#pragma once

#include <string>

#include "tests/integration/image/lab.h"
#include "tests/integration/pod/pod_fixture.h"

namespace crisp::testing {

class LabPodFixture : public PodFixture {
 protected:
  void SetUp() override {
    PodFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    CRISP_REQUIRE(LabUp(),
                  "the lab registry is not running (hack/registry.sh)");
    image_ = LabRegistry() + "/e2e-test-images/busybox:1.29-2";
    v1::PullImageResponse pulled;
    auto s = crispd_.client().PullImage(image_, &pulled);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Whether a test's own SetUp may go on after this one.
  bool Ready() { return !IsSkipped() && !HasFatalFailure(); }

  std::string image_;
};

}  // namespace crisp::testing
