// crisp_cri_podstart ENDPOINT IMAGE ROUNDS [KEEP]: times what kubelet does
// to start a pod (RunPodSandbox, CreateContainer, StartContainer) against
// any CRI runtime, ROUNDS times, one pod after the other; prints one line
// per round: "run create start total" in milliseconds. The first KEEP pods
// are left running (for memory figures) until stdin closes; the rest are
// stopped and removed right away. Used by hack/bench/pod.sh.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/cri_client.h"

namespace {

namespace v1 = runtime::v1;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

bool Check(const grpc::Status& s, const char* what) {
  if (!s.ok())
    std::fprintf(stderr, "%s: %s\n", what, s.error_message().c_str());
  return s.ok();
}

v1::PodSandboxConfig PodConfig(int i) {
  v1::PodSandboxConfig c;
  std::string name =
      "bench-" + std::to_string(getpid()) + "-" + std::to_string(i);
  c.mutable_metadata()->set_name(name);
  c.mutable_metadata()->set_uid(name);
  c.mutable_metadata()->set_namespace_("bench");
  c.set_hostname(name);
  c.set_log_directory("/tmp/crisp-podstart-logs/" + name);
  // kubelet's default: one PID namespace per container.
  c.mutable_linux()
      ->mutable_security_context()
      ->mutable_namespace_options()
      ->set_pid(v1::CONTAINER);
  return c;
}

struct Started {
  std::string pod;
  double run = 0, create = 0, start = 0;
};

bool StartPod(crisp::testing::CriClient& cri, const std::string& image, int i,
              Started* out) {
  v1::RunPodSandboxRequest run;
  *run.mutable_config() = PodConfig(i);
  v1::RunPodSandboxResponse ran;
  auto t0 = Clock::now();
  if (!Check(cri.Call(&v1::RuntimeService::Stub::RunPodSandbox, run, &ran),
             "RunPodSandbox")) {
    return false;
  }
  auto t1 = Clock::now();
  v1::CreateContainerRequest create;
  create.set_pod_sandbox_id(ran.pod_sandbox_id());
  *create.mutable_sandbox_config() = run.config();
  create.mutable_config()->mutable_metadata()->set_name("main");
  create.mutable_config()->mutable_image()->set_image(image);
  create.mutable_config()->add_command("sleep");
  create.mutable_config()->add_args("3600");
  create.mutable_config()->set_log_path("main.log");
  v1::CreateContainerResponse created;
  if (!Check(cri.Call(&v1::RuntimeService::Stub::CreateContainer, create,
                      &created),
             "CreateContainer")) {
    return false;
  }
  auto t2 = Clock::now();
  v1::StartContainerRequest start;
  start.set_container_id(created.container_id());
  v1::StartContainerResponse started;
  if (!Check(
          cri.Call(&v1::RuntimeService::Stub::StartContainer, start, &started),
          "StartContainer")) {
    return false;
  }
  auto t3 = Clock::now();
  *out = {ran.pod_sandbox_id(), Ms(t0, t1), Ms(t1, t2), Ms(t2, t3)};
  return true;
}

void RemovePod(crisp::testing::CriClient& cri, const std::string& pod) {
  v1::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(pod);
  v1::StopPodSandboxResponse stopped;
  Check(cri.Call(&v1::RuntimeService::Stub::StopPodSandbox, stop, &stopped),
        "StopPodSandbox");
  v1::RemovePodSandboxRequest remove;
  remove.set_pod_sandbox_id(pod);
  v1::RemovePodSandboxResponse removed;
  Check(cri.Call(&v1::RuntimeService::Stub::RemovePodSandbox, remove, &removed),
        "RemovePodSandbox");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s ENDPOINT IMAGE ROUNDS [KEEP]\n", argv[0]);
    return 2;
  }
  int rounds = std::atoi(argv[3]);
  int keep = argc > 4 ? std::atoi(argv[4]) : 0;
  crisp::testing::CriClient cri(argv[1], std::chrono::seconds(120));
  if (!cri.WaitReady(std::chrono::seconds(10))) return 1;
  v1::PullImageResponse pulled;
  if (!Check(cri.PullImage(argv[2], &pulled), "PullImage")) return 1;
  std::vector<std::string> kept;
  for (int i = 0; i < rounds; ++i) {
    Started s;
    if (!StartPod(cri, argv[2], i, &s)) return 1;
    std::printf("%.2f %.2f %.2f %.2f\n", s.run, s.create, s.start,
                s.run + s.create + s.start);
    std::fflush(stdout);
    if (i < keep) {
      kept.push_back(s.pod);
    } else {
      RemovePod(cri, s.pod);
    }
  }
  if (!kept.empty()) {
    std::printf("kept %zu\n", kept.size());
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    for (const auto& pod : kept) RemovePod(cri, pod);
  }
  return 0;
}
