#include "containers/resources_merge.h"

#include "gtest/gtest.h"

namespace crisp::containers {
namespace {

using runtime::oci::Cpu;
using runtime::oci::Memory;
using runtime::oci::Resources;

TEST(MergeResourcesTest, WhatAnUpdateSetsReplacesAndTheRestStays) {
  Resources base;
  base.cpu = Cpu{.shares = 512, .quota = 50000, .period = 100000};
  base.memory = Memory{.limit = 100 << 20, .swap = 100 << 20};
  base.unified = {{"memory.high", "max"}};
  Resources update;
  update.memory = Memory{.limit = 200 << 20};
  update.unified = {{"cpu.idle", "0"}};
  Resources merged = MergeResources(base, update);
  ASSERT_TRUE(merged.memory && merged.cpu);
  EXPECT_EQ(merged.memory->limit, 200 << 20);
  EXPECT_EQ(merged.memory->swap, 100 << 20);
  EXPECT_EQ(merged.cpu->shares, 512u);
  EXPECT_EQ(merged.cpu->quota, 50000);
  EXPECT_EQ(merged.unified.at("memory.high"), "max");
  EXPECT_EQ(merged.unified.at("cpu.idle"), "0");
}

TEST(MergeResourcesTest, AnUpdateOfAContainerWithoutLimitsSetsThem) {
  Resources update;
  update.cpu = Cpu{.quota = 20000, .period = 100000, .cpus = "0"};
  Resources merged = MergeResources(Resources{}, update);
  ASSERT_TRUE(merged.cpu);
  EXPECT_EQ(merged.cpu->quota, 20000);
  EXPECT_EQ(merged.cpu->cpus, "0");
  EXPECT_FALSE(merged.memory);
}

}  // namespace
}  // namespace crisp::containers
