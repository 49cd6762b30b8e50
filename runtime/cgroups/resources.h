// linux.resources → the cgroup files and values that express them, for v1
// (per controller) and v2 (one directory). Pure functions: tested without
// root; cgroup.cc writes the result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/oci/spec.h"

namespace crisp::runtime::cgroups {

struct Setting {
  std::string controller;  // v1 hierarchy ("memory", ...); "" on v2
  std::string file;        // "memory.limit_in_bytes", "cpu.max", ...
  std::string value;
};

std::vector<Setting> V1Settings(const oci::Resources& r);
std::vector<Setting> V2Settings(const oci::Resources& r);

// cpu.shares [2, 262144] → cpu.weight [1, 10000] (the OCI conversion).
uint64_t SharesToWeight(uint64_t shares);
// blkio.weight [10, 1000] → io.weight [1, 10000].
uint64_t BlkioToIoWeight(uint64_t weight);

}  // namespace crisp::runtime::cgroups
