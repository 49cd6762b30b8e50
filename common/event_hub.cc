#include "common/event_hub.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "glog/logging.h"

namespace crisp::events {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kCreated:
      return "created";
    case Kind::kStarted:
      return "started";
    case Kind::kStopped:
      return "stopped";
    case Kind::kDeleted:
      return "deleted";
  }
  return "unknown";
}

Subscription::Wait Subscription::Next(absl::Duration timeout, Event* out) {
  absl::MutexLock l(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || dropped_ || closed_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (dropped_) return Wait::kDropped;
  if (!queue_.empty()) {
    *out = std::move(queue_.front());
    queue_.pop_front();
    return Wait::kEvent;
  }
  return closed_ ? Wait::kClosed : Wait::kTimeout;
}

bool Subscription::Push(const Event& e) {
  absl::MutexLock l(&mu_);
  if (dropped_ || closed_) return false;
  if (queue_.size() >= capacity_) {
    dropped_ = true;
    queue_.clear();
    return false;
  }
  queue_.push_back(e);
  return true;
}

void Subscription::Close() {
  absl::MutexLock l(&mu_);
  closed_ = true;
}

void Hub::Publish(Event e) {
  absl::MutexLock l(&mu_);
  if (shut_down_) return;
  if (subscribers_.empty()) {
    absl::Time now = absl::Now();
    PruneBacklog(now);
    if (backlog_.size() >= options_.backlog_capacity && !backlog_.empty()) {
      backlog_.pop_front();
    }
    if (options_.backlog_capacity > 0) backlog_.push_back({std::move(e), now});
    return;
  }
  auto slow = std::remove_if(
      subscribers_.begin(), subscribers_.end(),
      [&](const std::shared_ptr<Subscription>& s) { return !s->Push(e); });
  if (slow != subscribers_.end()) {
    LOG(WARNING) << "container events: dropping " << (subscribers_.end() - slow)
                 << " subscriber(s) that fell more than "
                 << options_.queue_capacity << " events behind";
  }
  subscribers_.erase(slow, subscribers_.end());
}

absl::StatusOr<std::shared_ptr<Subscription>> Hub::Subscribe() {
  absl::MutexLock l(&mu_);
  if (shut_down_) {
    return absl::UnavailableError("container events: crispd is shutting down");
  }
  std::shared_ptr<Subscription> s(new Subscription(options_.queue_capacity));
  PruneBacklog(absl::Now());
  // The newest that fit in a queue, should more have been kept.
  size_t skip = backlog_.size() > options_.queue_capacity
                    ? backlog_.size() - options_.queue_capacity
                    : 0;
  for (size_t i = skip; i < backlog_.size(); ++i) s->Push(backlog_[i].event);
  backlog_.clear();
  subscribers_.push_back(s);
  return s;
}

void Hub::Unsubscribe(const std::shared_ptr<Subscription>& s) {
  absl::MutexLock l(&mu_);
  subscribers_.erase(std::remove(subscribers_.begin(), subscribers_.end(), s),
                     subscribers_.end());
}

void Hub::Shutdown() {
  absl::MutexLock l(&mu_);
  shut_down_ = true;
  for (const auto& s : subscribers_) s->Close();
  subscribers_.clear();
  backlog_.clear();
}

size_t Hub::subscribers() {
  absl::MutexLock l(&mu_);
  return subscribers_.size();
}

void Hub::PruneBacklog(absl::Time now) {
  while (!backlog_.empty() &&
         now - backlog_.front().kept_at > options_.backlog_age) {
    backlog_.pop_front();
  }
}

}  // namespace crisp::events
