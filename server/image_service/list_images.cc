#include "server/grpc_status.h"
#include "server/image_service/image_service.h"
#include "server/rpc_log.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

// Every image, or only the one the filter names (tag, digest or id).
absl::StatusOr<std::vector<image::ImageRecord>> Select(
    image::ImageManager& images, const v1::ImageFilter& filter) {
  const std::string& want = filter.image().image();
  if (want.empty()) return images.List();
  auto one = images.Find(want);
  if (!one.ok()) return one.status();
  std::vector<image::ImageRecord> out;
  if (one->has_value()) out.push_back(std::move(**one));
  return out;
}

}  // namespace

grpc::Status ImageService::ListImages(grpc::ServerContext*,
                                      const v1::ListImagesRequest* req,
                                      v1::ListImagesResponse* resp) {
  return LoggedRpc("ListImages", "", [&] {
    auto recs = Select(*deps_.images, req->filter());
    if (!recs.ok()) return ToGrpcStatus(recs.status());
    for (const auto& r : *recs) {
      ToCriImage(r, deps_.images->IsPinned(r), resp->add_images());
    }
    return grpc::Status::OK;
  });
}

grpc::Status ImageService::StreamImages(
    grpc::ServerContext*, const v1::StreamImagesRequest* req,
    grpc::ServerWriter<v1::StreamImagesResponse>* writer) {
  return LoggedRpc("StreamImages", "", [&] {
    auto recs = Select(*deps_.images, req->filter());
    if (!recs.ok()) return ToGrpcStatus(recs.status());
    WriteInBatches(writer, *recs, [&](const auto& r, auto& batch) {
      ToCriImage(r, deps_.images->IsPinned(r), batch.add_images());
    });
    return grpc::Status::OK;
  });
}

}  // namespace crisp::server
