// Locks by name, made on first use and dropped when nobody holds or waits
// for them: lifecycle operations on one pod serialise, those on different
// pods run side by side.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"

namespace crisp {

class LockTable {
 public:
  class Guard {
   public:
    Guard(LockTable* table, std::string name);
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    LockTable* table_;
    std::string name_;
    std::shared_ptr<absl::Mutex> mu_;
  };

 private:
  struct Entry {
    std::shared_ptr<absl::Mutex> mu = std::make_shared<absl::Mutex>();
    int users = 0;
  };
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace crisp
