// A create that fails at any step leaves nothing behind: no row, no
// directory, no mount, no container in the runtime, and the name is free
// for the retry.
#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "tests/unit/containers/manager_fixture.h"

namespace crisp::containers {
namespace {

using ::testing::IsEmpty;

struct FailingStep {
  std::string name;
  // Arranges for the step to fail in the next create.
  std::function<void(ManagerTest& t, NewContainer& r)> arrange;
};

void PrintTo(const FailingStep& step, std::ostream* os) { *os << step.name; }

void Failpoint(const std::string& point) {
  ASSERT_TRUE(failpoint::Configure(point + "=1*error").ok()) << point;
}

class RollbackTest : public ManagerTest,
                     public ::testing::WithParamInterface<FailingStep> {
 protected:
  void ExpectNothingLeft() {
    EXPECT_EQ(StoredRows(), 0u);
    EXPECT_THAT(manager_->List(), IsEmpty());
    EXPECT_THAT(Entries(StateDir()), IsEmpty());
    EXPECT_THAT(Entries(base_ + "/layers"), IsEmpty());
    EXPECT_THAT(rootfs_->Mounted(), IsEmpty());
    EXPECT_EQ(runtime_->Count(), 0u);
  }
};

TEST_P(RollbackTest, AFailedCreateLeavesNothingAndFreesTheName) {
  NewContainer r = Request("app");
  GetParam().arrange(*this, r);
  if (HasFatalFailure()) return;
  EXPECT_FALSE(manager_->Create(r).ok());
  ExpectNothingLeft();

  Container c = MustCreate("app");
  EXPECT_EQ(manager_->List().size(), 1u);
  EXPECT_TRUE(runtime_->Knows(c.id));
}

// A restart after the same failure finds nothing to recover.
TEST_P(RollbackTest, ARestartAfterAFailedCreateFindsNothing) {
  NewContainer r = Request("app");
  GetParam().arrange(*this, r);
  if (HasFatalFailure()) return;
  EXPECT_FALSE(manager_->Create(r).ok());
  Reopen();
  ExpectNothingLeft();
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, RollbackTest,
    ::testing::Values(
        FailingStep{"AfterRow",
                    [](ManagerTest&, NewContainer&) {
                      Failpoint("container.create.after_row");
                    }},
        FailingStep{"Rootfs",
                    [](ManagerTest& t, NewContainer&) {
                      t.rootfs_->FailNextMount(
                          absl::InternalError("injected mount failure"));
                    }},
        FailingStep{"AfterRootfs",
                    [](ManagerTest&, NewContainer&) {
                      Failpoint("container.create.after_rootfs");
                    }},
        FailingStep{"Spec",
                    [](ManagerTest&, NewContainer& r) {
                      r.build_spec = [](const std::string&, const std::string&)
                          -> absl::StatusOr<runtime::oci::Spec> {
                        return absl::InvalidArgumentError("injected bad spec");
                      };
                    }},
        FailingStep{"AfterSpec",
                    [](ManagerTest&, NewContainer&) {
                      Failpoint("container.create.after_spec");
                    }},
        FailingStep{"RuntimeCreate",
                    [](ManagerTest& t, NewContainer&) {
                      t.runtime_->FailNext(
                          Verb::kCreate,
                          absl::InternalError("injected runtime failure"));
                    }},
        FailingStep{"AfterMonitor",
                    [](ManagerTest&, NewContainer&) {
                      Failpoint("container.create.after_monitor");
                    }},
        FailingStep{"PodStopped",
                    [](ManagerTest&, NewContainer& r) {
                      r.pod_still_ready = [] {
                        return absl::FailedPreconditionError(
                            "pod pod-a stopped meanwhile");
                      };
                    }},
        FailingStep{"BeforeSave",
                    [](ManagerTest&, NewContainer&) {
                      Failpoint("container.create.before_save");
                    }}),
    [](const ::testing::TestParamInfo<FailingStep>& info) {
      return info.param.name;
    });

}  // namespace
}  // namespace crisp::containers
