// What the container spec tests share: a temp rootfs, a pod with its files,
// and a minimal CRI config.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "common/files.h"
#include "cri-api/api.pb.h"
#include "gtest/gtest.h"
#include "image/image_config.h"
#include "sandbox/pod.h"
#include "server/specgen/container_spec.h"

namespace crisp::server::specgen {

namespace v1 = ::runtime::v1;

class SpecFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crisp-spec-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    rootfs_ = dir_ + "/rootfs";
    ASSERT_TRUE(MakeDirs(rootfs_ + "/etc", 0755).ok());
    Write("rootfs/etc/passwd",
          "root:x:0:0:root:/root:/bin/sh\n"
          "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
          "www:x:33:34:www:/var/www:/bin/false\n");
    Write("rootfs/etc/group",
          "root:x:0:root\nwheel:x:10:root,www\nwww:x:34:www\n"
          "video:x:44:www\n");
    pod_.id = "pod123";
    pod_.dir = dir_ + "/pod";
    pod_.spec.hostname = "web-0";
    pod_.spec.metadata = {"web", "uid-1", "prod", 0};
    pod_.namespaces.net = "/run/crisp/ns/net/pod123";
    pod_.namespaces.ipc = "/run/crisp/ns/ipc/pod123";
    pod_.namespaces.uts = "/run/crisp/ns/uts/pod123";
    ASSERT_TRUE(MakeDirs(pod_.Shm(), 0755).ok());
    Write("pod/hostname", "web-0\n");
    Write("pod/hosts", "127.0.0.1 localhost\n");
    Write("pod/resolv.conf", "nameserver 10.0.0.10\n");
    config_.mutable_metadata()->set_name("app");
    config_.add_command("/bin/sh");
  }
  static image::ImageConfig ImageWithCmd(const std::string& cmd) {
    image::ImageConfig image;
    image.cmd = {cmd};
    return image;
  }

  void TearDown() override { (void)RemoveAll(dir_); }

  // Writes `text` to dir_/<rel>.
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ + "/" + rel) << text;
  }

  ContainerSpecInput Input() {
    ContainerSpecInput in;
    in.container_id = "c1";
    in.config = &config_;
    in.pod = &pod_;
    in.image_config = &image_;
    in.image_ref = "docker.io/library/busybox:latest";
    in.rootfs = rootfs_;
    return in;
  }

  absl::StatusOr<runtime::oci::Spec> Build() {
    return BuildContainerSpec(Input());
  }

  v1::LinuxContainerSecurityContext* Security() {
    return config_.mutable_linux()->mutable_security_context();
  }

  std::string dir_, rootfs_;
  image::ImageConfig image_ = ImageWithCmd("sh");
  sandbox::Pod pod_;
  v1::ContainerConfig config_;
};

}  // namespace crisp::server::specgen
