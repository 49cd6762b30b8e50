#include "tests/integration/image/push.h"

#include "image/content/digester.h"
#include "image/registry/http_client.h"
#include "image/snapshots/snapshot_store.h"
#include "nlohmann/json.hpp"
#include "tests/unit/image/tar_builder.h"

namespace crisp::testing {
namespace {

using Json = nlohmann::json;

// Monolithic upload: POST an upload session, PUT the bytes with the digest.
std::string PushBlob(const std::string& base, const std::string& repo,
                     const std::string& data) {
  image::HttpRequest post;
  post.method = "POST";
  post.url = base + "/v2/" + repo + "/blobs/uploads/";
  auto session = image::HttpDo(post);
  if (!session.ok() || session->status != 202) return "upload not started";
  std::string location =
      image::ResolveUrl(post.url, session->Header("location"));
  image::HttpRequest put;
  put.method = "PUT";
  put.url = location + (location.find('?') == std::string::npos ? "?" : "&") +
            "digest=" + image::Sha256Digest(data);
  put.headers.push_back("Content-Type: application/octet-stream");
  put.body = data;
  auto done = image::HttpDo(put);
  if (!done.ok() || done->status != 201) return "blob upload failed";
  return "";
}

Json Descriptor(const std::string& type, const std::string& data) {
  return {{"mediaType", type},
          {"digest", image::Sha256Digest(data)},
          {"size", data.size()}};
}

}  // namespace

PushedImage PushImage(const std::string& host, const std::string& repo,
                      const std::string& tag, const PushSpec& spec) {
  PushedImage out;
  std::string base = "http://" + host;
  Json layers = Json::array();
  for (const std::string& tar : spec.tars) {
    std::string blob = spec.gzip ? image::testing::Gzip(tar) : tar;
    out.diff_ids.push_back(image::Sha256Digest(tar));
    if (!(out.error = PushBlob(base, repo, blob)).empty()) return out;
    layers.push_back(
        Descriptor(spec.gzip ? "application/vnd.oci.image.layer.v1.tar+gzip"
                             : "application/vnd.oci.image.layer.v1.tar",
                   blob));
  }
  out.chain_ids = image::ChainIds(out.diff_ids);
  Json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"config", {{"User", spec.user}}},
      {"rootfs",
       {{"type", "layers"},
        {"diff_ids",
         spec.config_diff_ids.empty() ? out.diff_ids : spec.config_diff_ids}}}};
  std::string config_text = config.dump();
  out.config_digest = image::Sha256Digest(config_text);
  if (!(out.error = PushBlob(base, repo, config_text)).empty()) return out;
  Json manifest = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
      {"config",
       Descriptor("application/vnd.oci.image.config.v1+json", config_text)},
      {"layers", layers}};
  image::HttpRequest put;
  put.method = "PUT";
  put.url = base + "/v2/" + repo + "/manifests/" + tag;
  put.headers.push_back(
      "Content-Type: application/vnd.oci.image.manifest.v1+json");
  put.body = manifest.dump();
  auto resp = image::HttpDo(put);
  if (!resp.ok() || resp->status != 201) {
    out.error = "manifest push failed: " +
                (resp.ok() ? resp->body : std::string(resp.status().message()));
    return out;
  }
  out.manifest_digest = image::Sha256Digest(put.body);
  return out;
}

}  // namespace crisp::testing
