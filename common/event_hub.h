// Container lifecycle events fanned out to subscribers (CRI's
// GetContainerEvents, kubelet's evented PLEG), with no CRI types: the
// lifecycle publishes what happened to which container of which pod, and
// each subscriber reads them from a queue of its own.
//
// Publish never blocks on a subscriber: a subscriber whose queue is full is
// dropped (its Next answers kDropped) rather than slowing the runtime or the
// other subscribers. Every subscriber sees every event published after it
// subscribed, in publish order. Events published while nobody listens are
// kept (a bounded number, for a bounded time) and handed to the next
// subscriber, as containerd does: so the exits a restarted crispd finds
// before kubelet reconnects still reach kubelet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace crisp::events {

// In lifecycle order; a container's events are published in this order.
enum class Kind { kCreated, kStarted, kStopped, kDeleted };

const char* KindName(Kind kind);

struct Event {
  Kind kind = Kind::kCreated;
  std::string container_id;  // a pod's own events carry the pod id here
  std::string pod_id;
  int64_t at_unix_nanos = 0;
};

class Subscription {
 public:
  enum class Wait { kEvent, kTimeout, kDropped, kClosed };

  // The next event into `out` (kEvent), or why there is none: nothing
  // within `timeout`, this subscriber fell too far behind, or the hub shut
  // down. kDropped and kClosed are final.
  Wait Next(absl::Duration timeout, Event* out);

 private:
  friend class Hub;
  explicit Subscription(size_t capacity) : capacity_(capacity) {}
  // False (and the queue emptied) when it is full: the subscriber is
  // dropped.
  bool Push(const Event& e);
  void Close();

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Event> queue_ ABSL_GUARDED_BY(mu_);
  bool dropped_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

struct HubOptions {
  size_t queue_capacity = 1024;  // per subscriber
  // Kept while there is no subscriber; the oldest go first.
  size_t backlog_capacity = 1024;
  absl::Duration backlog_age = absl::Minutes(5);
};

class Hub {
 public:
  explicit Hub(HubOptions options = {}) : options_(options) {}

  void Publish(Event e);
  // Unavailable once the hub is shut down.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<Subscription>> Subscribe();
  void Unsubscribe(const std::shared_ptr<Subscription>& s);
  // Closes every subscription (their Next answers kClosed at once) and
  // refuses new ones: crispd's shutdown must not wait on open streams.
  void Shutdown();

  size_t subscribers();

 private:
  struct Kept {
    Event event;
    absl::Time kept_at;
  };
  void PruneBacklog(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const HubOptions options_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subscribers_ ABSL_GUARDED_BY(mu_);
  std::deque<Kept> backlog_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace crisp::events
