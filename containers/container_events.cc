// The container lifecycle's events: CREATED and STARTED from Create and
// Start, STOPPED when the exit watcher (or a restart's recovery, or a
// remove) finds the exit, DELETED from Remove. Each is published while the
// container's lock is held, so one container's events leave in lifecycle
// order; STOPPED is published once per container, across restarts.
#include "common/process.h"
#include "containers/container_manager.h"
#include "glog/logging.h"

namespace crisp::containers {

void ContainerManager::Publish(events::Kind kind, const Container& c) {
  if (options_.events == nullptr) return;
  VLOG(1) << "container " << c.id << ": event " << events::KindName(kind);
  options_.events->Publish({kind, c.id, c.pod_id, NowUnixNanos()});
}

// Called without the container's lock. A holder already gone means the
// exit is recorded (or lost): it is noted at once.
void ContainerManager::WatchExit(const Container& c) {
  if (watcher_ == nullptr) return;
  auto fd = options_.runtime->HolderFd(c.Ref());
  if (absl::IsNotFound(fd.status())) return NoteExit(c.id);
  if (!fd.ok()) {
    if (!absl::IsUnimplemented(fd.status()))
      LOG(WARNING) << "container " << c.id
                   << ": exit not watched: " << fd.status();
    return;
  }
  absl::Status watched = watcher_->Watch(c.id, *std::move(fd));
  if (!watched.ok()) LOG(WARNING) << watched;
}

void ContainerManager::NoteExit(const std::string& id) {
  LockTable::Guard lock = containers_.Lock(id);
  auto c = Get(id);
  if (!c.ok()) return;  // removed meanwhile: Remove published for it
  PublishExitLocked(*std::move(c), /*persist=*/true);
}

// Published before it is recorded: a crash in between repeats the event
// after the restart rather than losing it.
void ContainerManager::PublishExitLocked(Container c, bool persist) {
  if (c.exit_published) return;
  if (StatusOf(c).state != ContainerState::kExited) return;
  Publish(events::Kind::kStopped, c);
  c.exit_published = true;
  if (!persist) return;
  absl::Status saved = containers_.Save(c);
  if (!saved.ok()) {
    LOG(WARNING) << "container " << c.id
                 << ": record that its exit was published: " << saved;
  }
}

}  // namespace crisp::containers
