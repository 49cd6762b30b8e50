#include "common/status.h"
#include "server/handle_rpc.h"
#include "server/image_service/image_service.h"
#include "server/stream_batches.h"

namespace crisp::server {
namespace {

// Every image, or only the one the filter names (tag, digest or id).
absl::StatusOr<std::vector<image::ImageRecord>> Select(
    image::ImageCatalog& images, const v1::ImageFilter& filter) {
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
  return HandleRpc(
      "ListImages", "", resp, [&]() -> absl::StatusOr<v1::ListImagesResponse> {
        ASSIGN_OR_RETURN(std::vector<image::ImageRecord> recs,
                         Select(*deps_.images, req->filter()));
        v1::ListImagesResponse list;
        for (const auto& r : recs) {
          ToCriImage(r, deps_.images->IsPinned(r), list.add_images());
        }
        return list;
      });
}

grpc::Status ImageService::StreamImages(
    grpc::ServerContext*, const v1::StreamImagesRequest* req,
    grpc::ServerWriter<v1::StreamImagesResponse>* writer) {
  return HandleRpc("StreamImages", "", [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<image::ImageRecord> recs,
                     Select(*deps_.images, req->filter()));
    WriteInBatches(writer, recs, [&](const auto& r, auto& batch) {
      ToCriImage(r, deps_.images->IsPinned(r), batch.add_images());
    });
    return absl::OkStatus();
  });
}

}  // namespace crisp::server
