#include "server/daemon/daemon.h"
#include "absl/strings/string_view.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/no_space.h"
#include "common/process.h"
#include "common/status.h"
#include "glog/logging.h"
#include "runtime/linux/process.h"
#include "server/daemon/metadata_db.h"
#include "server/daemon/services.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"
#include "server/runtime_service/runtime_service.h"
#include "server/version.h"

namespace crisp::server {
namespace {

constexpr int kMaxMessageBytes = 16 << 20;  // as containerd: large lists
constexpr int kPollerTimeoutMs = 200;

std::string ParentDir(const std::string& path) {
  return path.substr(0, path.find_last_of('/'));
}

absl::StatusOr<std::vector<FileLock>> TakeLocks(const Config& c) {
  std::vector<FileLock> locks;
  for (const std::string& path :
       {c.root + "/crispd.lock", c.state + "/crispd.lock",
        SocketPath(c) + ".lock"}) {
    ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(path));
    locks.push_back(std::move(lock));
  }
  return locks;
}

absl::Status RecordStart(store::Database& db) {
  return db.Exec(
      "INSERT INTO meta(key, value) VALUES('last_start', ?1) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      {absl::StrCat(kRuntimeVersion, " ", NowUnixNanos())});
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

// Containers never fail over an oom_score_adj the node refuses: they get
// the lowest it allows. Said once here, not from inside each container.
void WarnAboutOomScoreAdjFloor() {
  absl::StatusOr<int> lowest = runtime::process::LowestOomScoreAdj();
  if (lowest.ok() && *lowest > -1000) {
    LOG(WARNING) << "this node refuses oom_score_adj below " << *lowest
                 << ": containers asking for less get " << *lowest;
  }
}

}  // namespace

std::string SocketPath(const Config& config) {
  return config.address.substr(absl::string_view("unix://").size());
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  (void)signal(SIGPIPE, SIG_IGN);
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Prepare(Config config) {
  for (const std::string& dir :
       {config.root, config.state, ParentDir(SocketPath(config))}) {
    RETURN_IF_ERROR(MakeDirs(dir, 0700));
  }
  ASSIGN_OR_RETURN(auto locks, TakeLocks(config));
  ASSIGN_OR_RETURN(auto db, OpenMetadataDatabase(config));
  // On a full disk crispd must still start: RemoveImage and
  // RemovePodSandbox are how the node gets space back.
  if (absl::Status s = RecordStart(*db); !s.ok()) {
    if (!IsNoSpace(s)) return s;
    LOG(WARNING) << s << ": starting anyway";
  }
  return std::unique_ptr<Daemon>(
      new Daemon(std::move(config), std::move(locks), std::move(db)));
}

absl::Status Daemon::Serve() {
  WarnAboutOomScoreAdjFloor();
  ASSIGN_OR_RETURN(auto services, Services::Make(config_, db_.get()));

  // We hold the socket's lock, so whatever file is there is stale.
  std::string socket = SocketPath(config_);
  if (::unlink(socket.c_str()) != 0 && errno != ENOENT) {
    return LastErrno("remove stale socket " + socket);
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Idle pollers wake this often; it bounds how long Shutdown waits for
  // them once no RPC is in flight (gRPC's default is 10 s).
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC, kPollerTimeoutMs);
  builder.RegisterService(services->runtime_service.get());
  builder.RegisterService(services->image_service.get());
  // The socket is created by BuildAndStart: the umask makes it 0660 from
  // its first instant, so no other user can ever connect.
  mode_t old_umask = ::umask(0117);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ::umask(old_umask);
  if (server == nullptr) {
    return absl::UnavailableError("cannot listen on " + config_.address);
  }
  if (::chmod(socket.c_str(), 0660) != 0) return LastErrno("chmod " + socket);
  LOG(INFO) << "crispd " << kRuntimeVersion << " serving CRI v1 on "
            << config_.address << " (root " << config_.root << ", state "
            << config_.state << ")";

  int sig = WaitForShutdownSignal();
  LOG(INFO) << "signal " << sig << ": shutting down";
  // Event streams never end on their own: end them, so the drain below
  // does not wait them out.
  services->events->Shutdown();
  if (!DrainRpcs(std::chrono::seconds(config_.shutdown_timeout_seconds))) {
    LOG(WARNING) << "RPCs still in flight after "
                 << config_.shutdown_timeout_seconds << "s: cancelling them";
  }
  // Nothing is in flight (or the bound has passed): close every connection.
  server->Shutdown(std::chrono::system_clock::now());
  server->Wait();
  ::unlink(socket.c_str());
  LOG(INFO) << "crispd stopped";
  return absl::OkStatus();
}

}  // namespace crisp::server
