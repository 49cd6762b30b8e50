// Undo steps registered as a multi-step operation goes; run in reverse
// order when the owner goes away, unless the operation succeeded.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace crisp {

class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
  }
  void Add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
  void Release() { steps_.clear(); }

 private:
  std::vector<std::function<void()>> steps_;
};

}  // namespace crisp
