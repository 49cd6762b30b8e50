// crisp-storm: the CRI client of hack/torture.sh (no crictl in CI).
//
//   crisp-storm storm ENDPOINT IMAGE --journal FILE [--workers N]
//       [--seconds S] [--seed S] [--stop-file F] [--cgroup-parent P]
//       [--log-dir D] [--prefix P]
//     N workers loop until S seconds have passed or F exists: RunPodSandbox
//     (half of them with a shared PID namespace, so crisp-pause runs),
//     CreateContainer + StartContainer (busybox sleep), ExecSync probes, and
//     at random StopContainer/RemoveContainer/StopPodSandbox/
//     RemovePodSandbox. crispd may die in any call: the worker makes a new
//     channel and retries with back-off. Every call that returned OK is
//     appended to the journal (one fsync'd line per event); every stop or
//     removal is journalled as "intent" before it is sent, so the checker
//     knows which containers may legitimately be gone.
//   crisp-storm list ENDPOINT
//     One line per object: "pod ID STATE NETNS IPCNS UTSNS PIDNS INFRA_PID
//     INFRA_START" and "ctr ID POD STATE DIR" (from verbose statuses).
//   crisp-storm wait ENDPOINT SECONDS    until Version answers
//   crisp-storm pull ENDPOINT IMAGE
//   crisp-storm remove-all ENDPOINT
//     Stops and removes every pod (and with it every container); exit 0
//     when nothing is left listed.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/support/cri_client.h"

namespace {

namespace v1 = runtime::v1;
using crisp::testing::CriClient;
using Clock = std::chrono::steady_clock;
using Rpc = v1::RuntimeService::Stub;

struct Options {
  std::string endpoint, image, journal, stop_file, cgroup_parent, log_dir;
  std::string prefix = "storm";
  int workers = 2;
  int seconds = 60;
  unsigned seed = 1;
};

// Append-only, one write(2) per line (atomic with O_APPEND), fsync'd so a
// line the checker reads was really seen by the client.
class Journal {
 public:
  explicit Journal(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                   0644)) {}
  ~Journal() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void Write(const std::string& line) {
    std::string l = line + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    if (::write(fd_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) {
      std::perror("crisp-storm: journal write");
    }
    ::fsync(fd_);
  }

 private:
  int fd_;
  std::mutex mu_;
};

// A client that survives the daemon's death: a fresh channel after every
// failure that may mean "daemon gone" (a channel that met a dead socket
// waits out gRPC's reconnect backoff).
class Connection {
 public:
  explicit Connection(std::string endpoint) : endpoint_(std::move(endpoint)) {
    Reset();
  }
  void Reset() {
    cri_ = std::make_unique<CriClient>(endpoint_, std::chrono::seconds(60));
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Rpc::*m)(grpc::ClientContext*, const Req&,
                                           Resp*),
                    const Req& req, Resp* resp) {
    grpc::Status s = cri_->Call(m, req, resp);
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
        s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      Reset();
    }
    return s;
  }

 private:
  std::string endpoint_;
  std::unique_ptr<CriClient> cri_;
};

bool Transient(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::UNAVAILABLE ||
         s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         s.error_code() == grpc::StatusCode::CANCELLED ||
         s.error_code() == grpc::StatusCode::UNKNOWN;
}

struct LivePod {
  std::string id;
  v1::PodSandboxConfig config;
  std::vector<std::string> containers;  // started, not yet stopped
};

class Worker {
 public:
  Worker(const Options& o, int index, Journal* journal,
         std::atomic<long>* counters)
      : o_(o),
        index_(index),
        journal_(journal),
        counters_(counters),
        conn_(o.endpoint),
        rng_(o.seed * 7919u + static_cast<unsigned>(index)) {}

  void Run() {
    auto deadline = Clock::now() + std::chrono::seconds(o_.seconds);
    for (long round = 0; Clock::now() < deadline && !StopRequested(); ++round) {
      Step(round);
    }
    // Leave what is still running: the checker needs live containers.
  }

 private:
  enum Counter { kPods, kContainers, kExecs, kErrors };

  bool StopRequested() const {
    return !o_.stop_file.empty() && ::access(o_.stop_file.c_str(), F_OK) == 0;
  }

  int Roll(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  void Failed(const char* what, const std::string& id, const grpc::Status& s) {
    ++counters_[kErrors];
    std::fprintf(stderr, "crisp-storm[%d]: %s %s: %d %s\n", index_, what,
                 id.c_str(), static_cast<int>(s.error_code()),
                 s.error_message().c_str());
    // Back off while the daemon restarts; bounded.
    std::this_thread::sleep_for(
        std::chrono::milliseconds(Transient(s) ? 100 + Roll(400) : 20));
  }

  void Step(long round) {
    if (pods_.size() < 3 || Roll(3) == 0) {
      RunPod(round);
    } else {
      LivePod& p = pods_[Roll(static_cast<int>(pods_.size()))];
      switch (Roll(7)) {
        case 0:
        case 1:
        case 5:
          if (!p.containers.empty()) {
            Exec(p.containers[Roll(static_cast<int>(p.containers.size()))]);
          } else {
            StartContainer(p, round);
          }
          break;
        case 2:
          StartContainer(p, round);
          break;
        case 3:
          StopContainer(p);
          break;
        default:  // 4, 6
          RemovePod(p.id);
          break;
      }
    }
    if (pods_.size() > 6) RemovePod(pods_.front().id);
  }

  void RunPod(long round) {
    LivePod p;
    std::string name =
        o_.prefix + "-" + std::to_string(index_) + "-" + std::to_string(round);
    auto* m = p.config.mutable_metadata();
    m->set_name(name);
    m->set_uid(name);
    m->set_namespace_("torture");
    p.config.set_hostname(name);
    if (!o_.log_dir.empty())
      p.config.set_log_directory(o_.log_dir + "/" + name);
    auto* linux = p.config.mutable_linux();
    if (!o_.cgroup_parent.empty()) linux->set_cgroup_parent(o_.cgroup_parent);
    linux->mutable_security_context()->mutable_namespace_options()->set_pid(
        Roll(2) == 0 ? v1::POD : v1::CONTAINER);
    v1::RunPodSandboxRequest req;
    *req.mutable_config() = p.config;
    v1::RunPodSandboxResponse resp;
    grpc::Status s = conn_.Call(&Rpc::RunPodSandbox, req, &resp);
    if (!s.ok()) return Failed("RunPodSandbox", name, s);
    ++counters_[kPods];
    p.id = resp.pod_sandbox_id();
    journal_->Write("pod-run " + p.id);
    pods_.push_back(std::move(p));
    StartContainer(pods_.back(), round);
  }

  void StartContainer(LivePod& p, long round) {
    v1::CreateContainerRequest create;
    create.set_pod_sandbox_id(p.id);
    *create.mutable_sandbox_config() = p.config;
    auto* c = create.mutable_config();
    std::string name =
        "c" + std::to_string(round) + "-" + std::to_string(p.containers.size());
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(o_.image);
    c->add_command("sleep");
    c->add_args("3600");
    c->set_log_path(name + ".log");
    v1::CreateContainerResponse created;
    grpc::Status s = conn_.Call(&Rpc::CreateContainer, create, &created);
    if (!s.ok()) return Failed("CreateContainer", p.id, s);
    ++counters_[kContainers];
    const std::string& id = created.container_id();
    journal_->Write("ctr-create " + id + " " + p.id);
    v1::StartContainerRequest start;
    start.set_container_id(id);
    v1::StartContainerResponse started;
    s = conn_.Call(&Rpc::StartContainer, start, &started);
    if (!s.ok()) return Failed("StartContainer", id, s);
    journal_->Write("ctr-start " + id + " " + p.id);
    p.containers.push_back(id);
  }

  void Exec(const std::string& id) {
    v1::ExecSyncRequest req;
    req.set_container_id(id);
    req.add_cmd("sh");
    req.add_cmd("-c");
    req.add_cmd("echo probe");
    req.set_timeout(10);
    v1::ExecSyncResponse resp;
    grpc::Status s = conn_.Call(&Rpc::ExecSync, req, &resp);
    if (!s.ok()) return Failed("ExecSync", id, s);
    ++counters_[kExecs];
    if (resp.exit_code() != 0 || resp.stdout() != "probe\n") {
      std::fprintf(stderr, "crisp-storm[%d]: ExecSync %s: exit %d out '%s'\n",
                   index_, id.c_str(), resp.exit_code(), resp.stdout().c_str());
    }
  }

  // Retries a stop or removal (journalled as intent first) while the
  // daemon is away, for up to two minutes; returns whether it was
  // acknowledged.
  template <typename Req, typename Resp>
  bool Retry(grpc::Status (Rpc::*m)(grpc::ClientContext*, const Req&, Resp*),
             const Req& req, const char* what, const std::string& id) {
    auto deadline = Clock::now() + std::chrono::minutes(2);
    while (Clock::now() < deadline) {
      Resp resp;
      grpc::Status s = conn_.Call(m, req, &resp);
      if (s.ok()) return true;
      Failed(what, id, s);
      if (!Transient(s)) return false;
    }
    return false;
  }

  void StopContainer(LivePod& p) {
    if (p.containers.empty()) return;
    std::string id = p.containers.back();
    p.containers.pop_back();
    journal_->Write("ctr-stopping " + id);
    v1::StopContainerRequest stop;
    stop.set_container_id(id);
    stop.set_timeout(2);
    if (!Retry(&Rpc::StopContainer, stop, "StopContainer", id)) return;
    journal_->Write("ctr-stop " + id);
    if (Roll(2) == 0) return;  // leave an exited container behind
    journal_->Write("ctr-removing " + id);
    v1::RemoveContainerRequest remove;
    remove.set_container_id(id);
    if (Retry(&Rpc::RemoveContainer, remove, "RemoveContainer", id)) {
      journal_->Write("ctr-remove " + id);
    }
  }

  void RemovePod(std::string id) {
    for (auto it = pods_.begin(); it != pods_.end(); ++it) {
      if (it->id == id) {
        pods_.erase(it);
        break;
      }
    }
    journal_->Write("pod-stopping " + id);
    v1::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(id);
    if (!Retry(&Rpc::StopPodSandbox, stop, "StopPodSandbox", id)) return;
    journal_->Write("pod-stop " + id);
    if (Roll(4) == 0) return;  // leave a stopped pod behind
    v1::RemovePodSandboxRequest remove;
    remove.set_pod_sandbox_id(id);
    if (Retry(&Rpc::RemovePodSandbox, remove, "RemovePodSandbox", id)) {
      journal_->Write("pod-remove " + id);
    }
  }

  const Options& o_;
  int index_;
  Journal* journal_;
  std::atomic<long>* counters_;
  Connection conn_;
  std::mt19937 rng_;
  std::vector<LivePod> pods_;
};

int Storm(const Options& o) {
  Journal journal(o.journal);
  if (!journal.ok()) {
    std::perror(("crisp-storm: open " + o.journal).c_str());
    return 1;
  }
  std::atomic<long> counters[4] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < o.workers; ++i) {
    threads.emplace_back([&, i] { Worker(o, i, &journal, counters).Run(); });
  }
  for (auto& t : threads) t.join();
  std::printf("pods=%ld containers=%ld execs=%ld errors=%ld\n",
              counters[0].load(), counters[1].load(), counters[2].load(),
              counters[3].load());
  return 0;
}

const char* PodState(v1::PodSandboxState s) {
  return s == v1::SANDBOX_READY ? "READY" : "NOTREADY";
}

const char* ContainerState(v1::ContainerState s) {
  switch (s) {
    case v1::CONTAINER_CREATED:
      return "CREATED";
    case v1::CONTAINER_RUNNING:
      return "RUNNING";
    case v1::CONTAINER_EXITED:
      return "EXITED";
    default:
      return "UNKNOWN";
  }
}

// The "info" JSON of a verbose status; an empty object when absent.
nlohmann::json Info(const google::protobuf::Map<std::string, std::string>& m) {
  auto it = m.find("info");
  if (it == m.end()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

// "pod ID STATE NETNS IPCNS UTSNS PIDNS INFRA_PID INFRA_START" ("-" for
// none): what the checker needs to find the pod's pins and pause.
void PrintPod(CriClient& cri, const v1::PodSandbox& p) {
  v1::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(p.id());
  req.set_verbose(true);
  v1::PodSandboxStatusResponse resp;
  nlohmann::json info = nlohmann::json::object();
  if (cri.Call(&Rpc::PodSandboxStatus, req, &resp).ok()) {
    info = Info(resp.info());
  }
  auto str = [&](const char* key) {
    std::string v = info.value(key, std::string());
    return v.empty() ? std::string("-") : v;
  };
  std::printf("pod %s %s %s %s %s %s %d %llu\n", p.id().c_str(),
              PodState(p.state()), str("netns").c_str(), str("ipcns").c_str(),
              str("utsns").c_str(), str("pidns").c_str(),
              info.value("infraPid", 0),
              static_cast<unsigned long long>(
                  info.value("infraStartTime", uint64_t{0})));
}

// "ctr ID POD STATE DIR" ("-" when the status has no directory): the
// checker reads the init's pid and start time from DIR's state.json.
void PrintContainer(CriClient& cri, const v1::Container& c) {
  v1::ContainerStatusRequest req;
  req.set_container_id(c.id());
  req.set_verbose(true);
  v1::ContainerStatusResponse resp;
  std::string dir;
  if (cri.Call(&Rpc::ContainerStatus, req, &resp).ok()) {
    dir = Info(resp.info()).value("dir", std::string());
  }
  std::printf("ctr %s %s %s %s\n", c.id().c_str(), c.pod_sandbox_id().c_str(),
              ContainerState(c.state()), dir.empty() ? "-" : dir.c_str());
}

int List(const std::string& endpoint) {
  CriClient cri(endpoint, std::chrono::seconds(30));
  v1::ListPodSandboxResponse pods;
  grpc::Status s =
      cri.Call(&Rpc::ListPodSandbox, v1::ListPodSandboxRequest(), &pods);
  if (!s.ok()) {
    std::fprintf(stderr, "ListPodSandbox: %s\n", s.error_message().c_str());
    return 1;
  }
  v1::ListContainersResponse ctrs;
  s = cri.Call(&Rpc::ListContainers, v1::ListContainersRequest(), &ctrs);
  if (!s.ok()) {
    std::fprintf(stderr, "ListContainers: %s\n", s.error_message().c_str());
    return 1;
  }
  for (const auto& p : pods.items()) PrintPod(cri, p);
  for (const auto& c : ctrs.containers()) PrintContainer(cri, c);
  return 0;
}

// Waits until Version answers on a fresh channel (a channel that met the
// dead socket would wait out gRPC's backoff); 0 when it did in time.
int Wait(const std::string& endpoint, int seconds) {
  auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < deadline) {
    CriClient cri(endpoint, std::chrono::seconds(2));
    v1::VersionResponse version;
    if (cri.Version(&version).ok()) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr, "crisp-storm: %s did not answer within %ds\n",
               endpoint.c_str(), seconds);
  return 1;
}

int Pull(const std::string& endpoint, const std::string& image) {
  CriClient cri(endpoint, std::chrono::seconds(300));
  v1::PullImageResponse pulled;
  grpc::Status s = cri.PullImage(image, &pulled);
  if (!s.ok()) {
    std::fprintf(stderr, "PullImage %s: %s\n", image.c_str(),
                 s.error_message().c_str());
    return 1;
  }
  return 0;
}

int RemoveAll(const std::string& endpoint) {
  CriClient cri(endpoint, std::chrono::seconds(60));
  v1::ListPodSandboxResponse pods;
  grpc::Status s =
      cri.Call(&Rpc::ListPodSandbox, v1::ListPodSandboxRequest(), &pods);
  if (!s.ok()) {
    std::fprintf(stderr, "ListPodSandbox: %s\n", s.error_message().c_str());
    return 1;
  }
  int failed = 0;
  for (const auto& p : pods.items()) {
    v1::StopPodSandboxRequest stop;
    stop.set_pod_sandbox_id(p.id());
    v1::StopPodSandboxResponse stopped;
    s = cri.Call(&Rpc::StopPodSandbox, stop, &stopped);
    if (s.ok()) {
      v1::RemovePodSandboxRequest remove;
      remove.set_pod_sandbox_id(p.id());
      v1::RemovePodSandboxResponse removed;
      s = cri.Call(&Rpc::RemovePodSandbox, remove, &removed);
    }
    if (!s.ok()) {
      ++failed;
      std::printf("remove pod %s: %s\n", p.id().c_str(),
                  s.error_message().c_str());
    }
  }
  v1::ListContainersResponse ctrs;
  s = cri.Call(&Rpc::ListContainers, v1::ListContainersRequest(), &ctrs);
  if (s.ok()) {
    for (const auto& c : ctrs.containers()) {
      ++failed;
      std::printf("container %s still listed\n", c.id().c_str());
    }
  }
  return failed == 0 && s.ok() ? 0 : 1;
}

bool ParseStorm(int argc, char** argv, Options* o) {
  if (argc < 4) return false;
  o->endpoint = argv[2];
  o->image = argv[3];
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--journal") {
      o->journal = value;
    } else if (flag == "--workers") {
      o->workers = std::atoi(value.c_str());
    } else if (flag == "--seconds") {
      o->seconds = std::atoi(value.c_str());
    } else if (flag == "--seed") {
      o->seed = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    } else if (flag == "--stop-file") {
      o->stop_file = value;
    } else if (flag == "--cgroup-parent") {
      o->cgroup_parent = value;
    } else if (flag == "--log-dir") {
      o->log_dir = value;
    } else if (flag == "--prefix") {
      o->prefix = value;
    } else {
      std::fprintf(stderr, "crisp-storm: unknown flag %s\n", flag.c_str());
      return false;
    }
  }
  return !o->journal.empty() && o->workers > 0 && o->workers <= 64 &&
         o->seconds > 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "list" && argc == 3) return List(argv[2]);
  if (mode == "remove-all" && argc == 3) return RemoveAll(argv[2]);
  if (mode == "wait" && argc == 4) return Wait(argv[2], std::atoi(argv[3]));
  if (mode == "pull" && argc == 4) return Pull(argv[2], argv[3]);
  Options o;
  if (mode == "storm" && ParseStorm(argc, argv, &o)) return Storm(o);
  std::fprintf(stderr,
               "usage: crisp-storm storm ENDPOINT IMAGE --journal FILE "
               "[--workers N] [--seconds S] [--seed S] [--stop-file F] "
               "[--cgroup-parent P] [--log-dir D] [--prefix P]\n"
               "       crisp-storm list ENDPOINT\n"
               "       crisp-storm wait ENDPOINT SECONDS\n"
               "       crisp-storm pull ENDPOINT IMAGE\n"
               "       crisp-storm remove-all ENDPOINT\n");
  return 2;
}
