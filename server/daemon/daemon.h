// crispd's life: claim the state (locks, directories, database), serve CRI
// on the socket, and shut down cleanly on SIGTERM/SIGINT.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/files.h"
#include "common/store/database.h"
#include "server/config/config.h"

namespace crisp::server {

// Path of the unix socket named by a "unix:///path" address.
std::string SocketPath(const Config& config);

class Daemon {
 public:
  // Takes the locks on root, state and socket (a second crispd on any of
  // them fails here with FailedPrecondition), creates the directories
  // (0700) and opens the database.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Daemon>> Prepare(
      Config config);

  // Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
  // RPCs finish within shutdown_timeout_seconds, and returns. The caller
  // must have blocked both signals in every thread (BlockShutdownSignals)
  // before any thread was started.
  [[nodiscard]] absl::Status Serve();

 private:
  Daemon(Config config, std::vector<FileLock> locks,
         std::unique_ptr<store::Database> db)
      : config_(std::move(config)),
        locks_(std::move(locks)),
        db_(std::move(db)) {}

  Config config_;
  std::vector<FileLock> locks_;
  std::unique_ptr<store::Database> db_;
};

// Blocks SIGTERM, SIGINT (and SIGPIPE) so that Serve can sigwait for them.
void BlockShutdownSignals();

// The metadata schema, one migration per version.
const std::vector<store::Migration>& SchemaMigrations();

}  // namespace crisp::server
