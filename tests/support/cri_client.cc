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

}  // namespace crisp::testing
