#include "absl/strings/numbers.h"
#include "image/registry/registry_auth.h"
#include "server/image_service/image_service.h"

namespace crisp::server {

void ToCriImage(const image::ImageRecord& rec, bool pinned, v1::Image* out) {
  out->set_id(rec.id);
  for (const auto& t : rec.repo_tags) out->add_repo_tags(t);
  for (const auto& d : rec.repo_digests) out->add_repo_digests(d);
  out->set_size(static_cast<uint64_t>(rec.size));
  out->set_pinned(pinned);
  out->mutable_spec()->set_image(rec.id);
  // "user", "uid", "user:group", "uid:gid": a numeric user is a uid.
  std::string user = rec.user.substr(0, rec.user.find(':'));
  int64_t uid;
  if (!user.empty() && absl::SimpleAtoi(user, &uid)) {
    out->mutable_uid()->set_value(uid);
  } else {
    out->set_username(user);
  }
}

absl::StatusOr<image::Credentials> ToCredentials(const v1::AuthConfig& auth) {
  image::Credentials c;
  if (!auth.auth().empty()) {
    auto decoded = image::DecodeAuth(auth.auth());
    if (!decoded.ok()) return decoded.status();
    c = *decoded;
  }
  if (!auth.username().empty()) c.username = auth.username();
  if (!auth.password().empty()) c.password = auth.password();
  c.identity_token = auth.identity_token();
  c.registry_token = auth.registry_token();
  c.server_address = auth.server_address();
  return c;
}

}  // namespace crisp::server
