// A crispd per test with helpers for the image RPCs.
#pragma once

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/image/lab.h"
#include "tests/support/crispd_process.h"

namespace crisp::testing {

class ImageTest : public ::testing::Test {
 protected:
  void StartDaemon(const std::string& extra_config = "") {
    CrispdOptions options;
    options.extra_config = extra_config;
    std::string error = crispd_.Start(options);
    ASSERT_EQ(error, "");
  }
  grpc::Status Pull(const std::string& ref, std::string* id,
                    const v1::AuthConfig* auth = nullptr) {
    v1::PullImageResponse resp;
    grpc::Status s = crispd_.client().PullImage(ref, &resp, auth);
    *id = resp.image_ref();
    return s;
  }
  // ImageStatus; `found` false when the response carries no image.
  v1::ImageStatusResponse Status(const std::string& ref, bool verbose = false) {
    v1::ImageStatusRequest req;
    req.mutable_image()->set_image(ref);
    req.set_verbose(verbose);
    v1::ImageStatusResponse resp;
    grpc::Status s =
        crispd_.client().Call(&v1::ImageService::Stub::ImageStatus, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }
  std::vector<v1::Image> List(const std::string& filter = "") {
    v1::ListImagesRequest req;
    if (!filter.empty())
      req.mutable_filter()->mutable_image()->set_image(filter);
    v1::ListImagesResponse resp;
    grpc::Status s =
        crispd_.client().Call(&v1::ImageService::Stub::ListImages, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.images().begin(), resp.images().end()};
  }
  grpc::Status Remove(const std::string& ref) {
    v1::RemoveImageRequest req;
    req.mutable_image()->set_image(ref);
    v1::RemoveImageResponse resp;
    return crispd_.client().Call(&v1::ImageService::Stub::RemoveImage, req,
                                 &resp);
  }
  std::string Lab(const std::string& repo_tag) {
    return LabRegistry() + "/" + repo_tag;
  }
  std::string SnapshotsDir() { return crispd_.root() + "/snapshots"; }
  std::string BlobsDir() { return crispd_.root() + "/content/blobs/sha256"; }
  // Entries of a directory (names), sorted.
  static std::vector<std::string> Entries(const std::string& dir);
  // The config digest the lab manifest of repo:tag names.
  static std::string ConfigDigest(const std::string& repo,
                                  const std::string& ref);

  CrispdProcess crispd_;
};

}  // namespace crisp::testing
