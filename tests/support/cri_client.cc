#include "tests/support/cri_client.h"

namespace crisp::testing {

CriClient::CriClient(const std::string& address, std::chrono::seconds timeout)
    : timeout_(timeout) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  channel_ = grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), args);
  runtime_ = v1::RuntimeService::NewStub(channel_);
  image_ = v1::ImageService::NewStub(channel_);
}

bool CriClient::WaitReady(std::chrono::milliseconds wait) {
  return channel_->WaitForConnected(std::chrono::system_clock::now() + wait);
}

grpc::Status CriClient::Version(v1::VersionResponse* resp) {
  return Call(&v1::RuntimeService::Stub::Version, v1::VersionRequest(), resp);
}

grpc::Status CriClient::Status(bool verbose, v1::StatusResponse* resp) {
  v1::StatusRequest req;
  req.set_verbose(verbose);
  return Call(&v1::RuntimeService::Stub::Status, req, resp);
}

grpc::Status CriClient::PullImage(const std::string& image,
                                  v1::PullImageResponse* resp,
                                  const v1::AuthConfig* auth) {
  v1::PullImageRequest req;
  req.mutable_image()->set_image(image);
  if (auth != nullptr) *req.mutable_auth() = *auth;
  return Call(&v1::ImageService::Stub::PullImage, req, resp);
}

// The lifecycle calls whose request is only an id (and a stop timeout).
grpc::Status CriClient::StartContainer(const std::string& id) {
  v1::StartContainerRequest req;
  req.set_container_id(id);
  v1::StartContainerResponse resp;
  return Call(&v1::RuntimeService::Stub::StartContainer, req, &resp);
}

grpc::Status CriClient::StopContainer(const std::string& id, int64_t timeout) {
  v1::StopContainerRequest req;
  req.set_container_id(id);
  req.set_timeout(timeout);
  v1::StopContainerResponse resp;
  return Call(&v1::RuntimeService::Stub::StopContainer, req, &resp);
}

grpc::Status CriClient::RemoveContainer(const std::string& id) {
  v1::RemoveContainerRequest req;
  req.set_container_id(id);
  v1::RemoveContainerResponse resp;
  return Call(&v1::RuntimeService::Stub::RemoveContainer, req, &resp);
}

grpc::Status CriClient::StopPodSandbox(const std::string& id) {
  v1::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  v1::StopPodSandboxResponse resp;
  return Call(&v1::RuntimeService::Stub::StopPodSandbox, req, &resp);
}

grpc::Status CriClient::RemovePodSandbox(const std::string& id) {
  v1::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  v1::RemovePodSandboxResponse resp;
  return Call(&v1::RuntimeService::Stub::RemovePodSandbox, req, &resp);
}

}  // namespace crisp::testing
