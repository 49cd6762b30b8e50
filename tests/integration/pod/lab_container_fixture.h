// A LabPodFixture with the container calls the container tests make:
// create `sh -c CMD` from the lab's busybox in a pod, start, stop, remove,
// status, and wait for an exit.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/integration/pod/lab_pod_fixture.h"

namespace crisp::testing {

class LabContainerFixture : public LabPodFixture {
 protected:
  v1::PodSandboxConfig PodConfig(const std::string& name) {
    v1::PodSandboxConfig c = Config(name);
    c.set_log_directory(crispd_.dir() + "/logs/" + name);
    return c;
  }

  // `edit` changes the config before it is sent; the id is set on success.
  grpc::Status TryCreate(const std::string& pod, const v1::PodSandboxConfig& pc,
                         const std::string& name, const std::string& cmd,
                         const std::function<void(v1::ContainerConfig*)>& edit,
                         std::string* id) {
    v1::CreateContainerRequest req;
    req.set_pod_sandbox_id(pod);
    *req.mutable_sandbox_config() = pc;
    auto* c = req.mutable_config();
    c->mutable_metadata()->set_name(name);
    c->mutable_image()->set_image(image_);
    c->add_command("sh");
    c->add_args("-c");
    c->add_args(cmd);
    c->set_log_path(name + ".log");
    if (edit) edit(c);
    v1::CreateContainerResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::CreateContainer,
                                   req, &resp);
    *id = resp.container_id();
    return s;
  }

  // A created container (a failed create fails the test).
  std::string Create(
      const std::string& pod, const v1::PodSandboxConfig& pc,
      const std::string& name, const std::string& cmd,
      const std::function<void(v1::ContainerConfig*)>& edit = nullptr) {
    std::string id;
    grpc::Status s = TryCreate(pod, pc, name, cmd, edit, &id);
    EXPECT_TRUE(s.ok()) << s.error_message() << "\n" << crispd_.Log();
    return id;
  }

  v1::ContainerStatusResponse StatusResponse(const std::string& id,
                                             bool verbose = false) {
    v1::ContainerStatusRequest req;
    req.set_container_id(id);
    req.set_verbose(verbose);
    v1::ContainerStatusResponse resp;
    auto s = crispd_.client().Call(&v1::RuntimeService::Stub::ContainerStatus,
                                   req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
  v1::ContainerStatus StatusC(const std::string& id) {
    return StatusResponse(id).status();
  }

  // Polls until the container has exited (bounded: 20 s).
  v1::ContainerStatus WaitExited(const std::string& id) {
    v1::ContainerStatus st;
    for (int i = 0; i < 2000; ++i) {
      st = StatusC(id);
      if (st.state() == v1::CONTAINER_EXITED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return st;
  }
};

}  // namespace crisp::testing
