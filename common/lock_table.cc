#include "common/lock_table.h"

namespace crisp {

LockTable::Guard::Guard(LockTable* table, std::string name)
    : table_(table), name_(std::move(name)) {
  {
    absl::MutexLock l(&table_->mu_);
    Entry& e = table_->entries_[name_];
    ++e.users;
    mu_ = e.mu;
  }
  mu_->Lock();
}

LockTable::Guard::~Guard() {
  mu_->Unlock();
  absl::MutexLock l(&table_->mu_);
  auto it = table_->entries_.find(name_);
  if (--it->second.users == 0) table_->entries_.erase(it);
}

}  // namespace crisp
