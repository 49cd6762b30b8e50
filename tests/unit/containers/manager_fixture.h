// A ContainerManager over the fake runtime, a plain-directory rootfs and a
// SQLite file in a temp dir: the whole lifecycle without root.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "common/failpoint.h"
#include "common/files.h"
#include "common/store/database.h"
#include "containers/container_manager.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_runtime.h"
#include "tests/unit/containers/fake_rootfs.h"

namespace crisp::containers {

using Verb = fakes::FakeRuntime::Verb;

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-containers-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    auto db = store::Database::Open(base_ + "/crisp.db", {kContainersSchema});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    Reopen();
  }
  void TearDown() override {
    (void)failpoint::Configure("");
    manager_.reset();
    db_.reset();
    (void)RemoveAll(base_);
  }

  // A new manager on the same store, runtime and rootfs: crispd restarted.
  void Reopen() {
    manager_.reset();
    auto m = ContainerManager::Open({.state_dir = StateDir(),
                                     .root_dir = base_ + "/layers",
                                     .runtime = runtime_,
                                     .rootfs = rootfs_,
                                     .events = events_},
                                    db_.get());
    ASSERT_TRUE(m.ok()) << m.status();
    manager_ = *std::move(m);
  }

  std::string StateDir() const { return base_ + "/containers"; }

  static NewContainer Request(const std::string& name,
                              const std::string& pod = "pod-a") {
    NewContainer r;
    r.container.pod_id = pod;
    r.container.name = name;
    r.container.snapshot_keys = {"sha256:layer"};
    r.lower_dirs = {"/nonexistent/lower"};
    r.build_spec = [](const std::string& id, const std::string& rootfs)
        -> absl::StatusOr<runtime::oci::Spec> { return runtime::oci::Spec{}; };
    return r;
  }

  Container MustCreate(const std::string& name,
                       const std::string& pod = "pod-a") {
    auto c = manager_->Create(Request(name, pod));
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Container{};
  }

  ContainerState StateOf(const std::string& id) {
    auto c = manager_->Get(id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? manager_->StatusOf(*c).state : ContainerState::kUnknown;
  }

  size_t StoredRows() {
    auto rows = db_->Query("SELECT id FROM containers");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? rows->size() : 0;
  }

  static bool Exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }

  static std::vector<std::string> Entries(const std::string& dir) {
    auto names = ListDir(dir);
    return names.ok() ? *names : std::vector<std::string>{};
  }

  // Public: the steps of a parameterised test arrange failures on them.
 public:
  std::string base_;
  std::unique_ptr<store::Database> db_;
  std::shared_ptr<fakes::FakeRuntime> runtime_ =
      std::make_shared<fakes::FakeRuntime>();
  std::shared_ptr<FakeRootfs> rootfs_ = std::make_shared<FakeRootfs>();
  std::unique_ptr<ContainerManager> manager_;
  events::Hub* events_ = nullptr;  // a test that reads events sets it
};

}  // namespace crisp::containers
