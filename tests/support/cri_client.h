// A thin CRI v1 client over the generated stubs, for integration tests:
// every call gets a deadline and returns the gRPC status.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "cri-api/api.grpc.pb.h"

namespace crisp::testing {

namespace v1 = ::runtime::v1;

class CriClient {
 public:
  // `address` is "unix:///path".
  explicit CriClient(const std::string& address,
                     std::chrono::seconds timeout = std::chrono::seconds(60));

  // Waits until the channel is connected; false after `wait`.
  bool WaitReady(std::chrono::milliseconds wait);

  v1::RuntimeService::Stub& runtime() { return *runtime_; }
  v1::ImageService::Stub& image() { return *image_; }

  // Calls stub method `m` with a deadline: Call(&Stub::Version, req, &resp).
  template <typename Stub, typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*m)(grpc::ClientContext*, const Req&,
                                            Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + timeout_);
    return (StubFor<Stub>().*m)(&ctx, req, resp);
  }

  // Shorthands for the calls most tests make.
  grpc::Status Version(v1::VersionResponse* resp);
  grpc::Status Status(bool verbose, v1::StatusResponse* resp);
  grpc::Status PullImage(const std::string& image, v1::PullImageResponse* resp,
                         const v1::AuthConfig* auth = nullptr);
  grpc::Status StartContainer(const std::string& id);
  grpc::Status StopContainer(const std::string& id, int64_t timeout = 0);
  grpc::Status RemoveContainer(const std::string& id);
  grpc::Status StopPodSandbox(const std::string& id);
  grpc::Status RemovePodSandbox(const std::string& id);

 private:
  template <typename Stub>
  Stub& StubFor();

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<v1::ImageService::Stub> image_;
  std::chrono::seconds timeout_;
};

template <>
inline v1::RuntimeService::Stub&
CriClient::StubFor<v1::RuntimeService::Stub>() {
  return *runtime_;
}
template <>
inline v1::ImageService::Stub& CriClient::StubFor<v1::ImageService::Stub>() {
  return *image_;
}

}  // namespace crisp::testing
