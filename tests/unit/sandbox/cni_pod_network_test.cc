// CniPodNetwork over fake CNI plugins (tests/unit/cni/fake_plugins.h).
#include "sandbox/cni_pod_network.h"

#include <unistd.h>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/cni/fake_plugins.h"

namespace crisp::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class CniPodNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fakes_.WriteResult(
        "fake", {{"cniVersion", "1.0.0"},
                 {"interfaces", {{{"name", "eth0"}, {"sandbox", "/n"}}}},
                 {"ips", {{{"address", "10.7.0.5/24"}, {"interface", 0}}}}});
    ASSERT_TRUE(MakeDirs(ConfDir(), 0755).ok());
    ASSERT_TRUE(WriteFileAtomic(ConfDir() + "/10-pods.conflist", R"({
      "name": "pods", "cniVersion": "1.0.0", "plugins": [{"type": "fake"}]
    })")
                    .ok());
  }
  std::string ConfDir() const { return fakes_.dir() + "/net.d"; }
  CniPodNetwork Make() const {
    return CniPodNetwork(ConfDir(), {{fakes_.bin()}, CacheDir(), {}});
  }
  std::string CacheDir() const { return fakes_.dir() + "/cache"; }
  NetworkAttachment Pod() const {
    return {"pod1", "/run/netns/pod1", {"name", "uid", "ns", 0}, {}};
  }

  cni::testing::FakePlugins fakes_;
};

// Audit M8: with the config dir emptied after the pod started (a CNI
// daemonset upgrade, a drain), Detach failed for want of a network, and
// with it StopPodSandbox and RemovePodSandbox.
TEST_F(CniPodNetworkTest, DetachWorksWithAnEmptyConfigDirFromTheCache) {
  CniPodNetwork network = Make();
  auto ips = network.Attach(Pod());
  ASSERT_TRUE(ips.ok()) << ips.status();
  EXPECT_THAT(*ips, ElementsAre("10.7.0.5"));
  ASSERT_EQ(::unlink((ConfDir() + "/10-pods.conflist").c_str()), 0);
  absl::Status detached = network.Detach(Pod());
  ASSERT_TRUE(detached.ok()) << detached;
  EXPECT_THAT(fakes_.Calls(), ElementsAre("fake ADD", "fake DEL"));
  Json del = fakes_.Stdin("fake", "DEL");
  EXPECT_EQ(del["name"], "pods");
  EXPECT_EQ(del["prevResult"]["ips"][0]["address"], "10.7.0.5/24");
  EXPECT_EQ(fakes_.Env("fake", "DEL")["CNI_CONTAINERID"], "pod1");
  // The entry went with the DEL: a repeat has nothing left to undo.
  EXPECT_TRUE(network.Detach(Pod()).ok());
  EXPECT_EQ(fakes_.Calls().size(), 2u);
}

TEST_F(CniPodNetworkTest, DetachSkipsAWronglyTypedConfigForTheCache) {
  CniPodNetwork network = Make();
  ASSERT_TRUE(network.Attach(Pod()).ok());
  ASSERT_TRUE(WriteFileAtomic(ConfDir() + "/10-pods.conflist",
                              R"({"name": "pods", "cniVersion": 1.0,
                                  "plugins": [{"type": "fake"}]})")
                  .ok());
  absl::Status detached = network.Detach(Pod());
  ASSERT_TRUE(detached.ok()) << detached;
  EXPECT_THAT(fakes_.Calls(), ElementsAre("fake ADD", "fake DEL"));
}

// A crispd killed in the middle of a cache write left <entry>.tmp.<pid>
// behind for good; the next start removes it and keeps the entries.
TEST_F(CniPodNetworkTest, StartUpRemovesTempFilesOfInterruptedCacheWrites) {
  ASSERT_TRUE(Make().Attach(Pod()).ok());
  std::string results = CacheDir() + "/results/";
  std::string entry = results + "pods-pod1-eth0";
  ASSERT_TRUE(WriteFileAtomic(entry + ".tmp.4242", "{").ok());
  ASSERT_TRUE(WriteFileAtomic(results + "other-pod2-eth0.tmp.7", "").ok());
  CniPodNetwork restarted = Make();
  auto names = ListDir(results);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("pods-pod1-eth0"));
  EXPECT_TRUE(restarted.Detach(Pod()).ok());
  EXPECT_THAT(fakes_.Calls(), ElementsAre("fake ADD", "fake DEL"));
}

// Status's NetworkReady: the default network and every plugin it names.
TEST_F(CniPodNetworkTest, NetworkReadyWhenConfigAndPluginsAreInstalled) {
  absl::Status ready = CniNetworkReady(ConfDir(), {fakes_.bin()});
  EXPECT_TRUE(ready.ok()) << ready;
}

TEST_F(CniPodNetworkTest, NetworkNotReadyNamesTheMissingPlugin) {
  absl::Status ready = CniNetworkReady(ConfDir(), {fakes_.dir() + "/none"});
  EXPECT_FALSE(ready.ok());
  EXPECT_THAT(ready.message(), HasSubstr("network pods ("));
  EXPECT_THAT(ready.message(), HasSubstr("10-pods.conflist): "));
}

TEST_F(CniPodNetworkTest, NetworkNotReadyWithoutAConfig) {
  ASSERT_EQ(::unlink((ConfDir() + "/10-pods.conflist").c_str()), 0);
  absl::Status ready = CniNetworkReady(ConfDir(), {fakes_.bin()});
  EXPECT_FALSE(ready.ok());
  EXPECT_THAT(ready.message(), HasSubstr("cni config not loaded: "));
}

}  // namespace
}  // namespace crisp::sandbox
