#include "image/image_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json.h"
#include "common/status.h"

namespace crisp::image {
namespace {

using json::Json;

using store::AsInt;
using store::AsString;

constexpr char kDropOrphans[] =
    "DELETE FROM images WHERE id NOT IN (SELECT image_id FROM image_refs)";
constexpr char kSelect[] =
    "SELECT id, manifest_digest, index_digest, size, user, layers, "
    "created_unix_nanos FROM images";

std::string LayersToJson(const std::vector<ImageLayer>& layers) {
  Json a = Json::array();
  for (const auto& l : layers) {
    a.push_back({{"digest", l.digest},
                 {"size", l.size},
                 {"media_type", l.media_type},
                 {"diff_id", l.diff_id},
                 {"chain_id", l.chain_id}});
  }
  return a.dump();
}

// Our own column, but read as carefully as registry JSON: a damaged row
// is an error naming the image, never an exception.
absl::StatusOr<ImageLayer> LayerFromJson(const Json& l,
                                         const std::string& what) {
  ImageLayer layer;
  ASSIGN_OR_RETURN(layer.digest, json::StringOr(l, "digest", "", what));
  ASSIGN_OR_RETURN(layer.size, json::Int64Or(l, "size", 0, what));
  ASSIGN_OR_RETURN(layer.media_type, json::StringOr(l, "media_type", "", what));
  ASSIGN_OR_RETURN(layer.diff_id, json::StringOr(l, "diff_id", "", what));
  ASSIGN_OR_RETURN(layer.chain_id, json::StringOr(l, "chain_id", "", what));
  return layer;
}

absl::StatusOr<std::vector<ImageLayer>> LayersFromJson(const std::string& text,
                                                       const std::string& id) {
  std::string what = absl::StrCat("image ", id, " stored layers");
  Json a = Json::parse(text, nullptr, false);
  if (!a.is_array()) {
    return absl::DataLossError(absl::StrCat(what, ": not a JSON array"));
  }
  std::vector<ImageLayer> out;
  for (const Json& l : a) {
    auto layer = LayerFromJson(l, what);
    if (!layer.ok()) return absl::DataLossError(layer.status().message());
    out.push_back(std::move(*layer));
  }
  return out;
}

absl::StatusOr<ImageRecord> FromRow(const store::Row& r) {
  ImageRecord rec;
  rec.id = AsString(r[0]);
  rec.manifest_digest = AsString(r[1]);
  rec.index_digest = AsString(r[2]);
  rec.size = AsInt(r[3]);
  rec.user = AsString(r[4]);
  ASSIGN_OR_RETURN(rec.layers, LayersFromJson(AsString(r[5]), rec.id));
  rec.created_unix_nanos = AsInt(r[6]);
  return rec;
}

}  // namespace

std::vector<std::string> ImageRecord::Blobs() const {
  std::vector<std::string> out = {id, manifest_digest};
  if (!index_digest.empty()) out.push_back(index_digest);
  for (const auto& l : layers) out.push_back(l.digest);
  return out;
}

absl::Status ImageStore::Put(const ImageRecord& rec) {
  return db_->Transaction([&](store::Database::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.exec(
        "INSERT INTO images(id, manifest_digest, index_digest, size, user, "
        "layers, created_unix_nanos) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(id) DO UPDATE SET manifest_digest = excluded."
        "manifest_digest, index_digest = excluded.index_digest",
        {rec.id, rec.manifest_digest, rec.index_digest, rec.size, rec.user,
         LayersToJson(rec.layers), rec.created_unix_nanos}));
    auto add = [&](const std::string& ref, const char* kind) {
      return tx.exec(
          "INSERT INTO image_refs(ref, image_id, kind) VALUES(?1, ?2, ?3) "
          "ON CONFLICT(ref) DO UPDATE SET image_id = excluded.image_id",
          {ref, rec.id, std::string(kind)});
    };
    for (const auto& t : rec.repo_tags) RETURN_IF_ERROR(add(t, "tag"));
    for (const auto& d : rec.repo_digests) RETURN_IF_ERROR(add(d, "digest"));
    return tx.exec(kDropOrphans, {});
  });
}

absl::StatusOr<ImageRecord> ImageStore::Get(const std::string& id) {
  ASSIGN_OR_RETURN(auto rows,
                   db_->Query(absl::StrCat(kSelect, " WHERE id = ?1"), {id}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("image ", id, " not found"));
  }
  ASSIGN_OR_RETURN(ImageRecord rec, FromRow(rows[0]));
  ASSIGN_OR_RETURN(auto refs,
                   db_->Query("SELECT ref, kind FROM image_refs WHERE "
                              "image_id = ?1 ORDER BY ref",
                              {id}));
  for (const auto& r : refs) {
    (AsString(r[1]) == "tag" ? rec.repo_tags : rec.repo_digests)
        .push_back(AsString(r[0]));
  }
  return rec;
}

absl::StatusOr<std::optional<std::string>> ImageStore::ResolveRef(
    const std::string& ref) {
  ASSIGN_OR_RETURN(
      auto rows,
      db_->Query("SELECT image_id FROM image_refs WHERE ref = ?1", {ref}));
  if (rows.empty()) return std::nullopt;
  return AsString(rows[0][0]);
}

absl::StatusOr<std::vector<std::string>> ImageStore::IdsWithPrefix(
    const std::string& hex_prefix) {
  std::string lo = "sha256:" + hex_prefix;
  ASSIGN_OR_RETURN(auto rows,
                   db_->Query("SELECT id FROM images WHERE substr(id, 1, "
                              "length(?1)) = ?1",
                              {lo}));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(AsString(r[0]));
  return out;
}

absl::StatusOr<std::vector<ImageRecord>> ImageStore::List() {
  ASSIGN_OR_RETURN(auto rows, db_->Query(kSelect, {}));
  ASSIGN_OR_RETURN(auto refs,
                   db_->Query("SELECT ref, kind, image_id FROM image_refs "
                              "ORDER BY ref",
                              {}));
  std::vector<ImageRecord> out;
  std::map<std::string, size_t> by_id;
  for (const auto& r : rows) {
    by_id[AsString(r[0])] = out.size();
    ASSIGN_OR_RETURN(ImageRecord rec, FromRow(r));
    out.push_back(std::move(rec));
  }
  for (const auto& r : refs) {
    auto it = by_id.find(AsString(r[2]));
    if (it == by_id.end()) continue;
    ImageRecord& rec = out[it->second];
    (AsString(r[1]) == "tag" ? rec.repo_tags : rec.repo_digests)
        .push_back(AsString(r[0]));
  }
  return out;
}

absl::StatusOr<bool> ImageStore::RemoveRef(const std::string& ref) {
  bool deleted = false;
  RETURN_IF_ERROR(db_->Transaction([&](store::Database::Tx& tx) {
    ASSIGN_OR_RETURN(auto rows, tx.query("SELECT count(*) FROM images", {}));
    int64_t before = AsInt(rows[0][0]);
    RETURN_IF_ERROR(tx.exec("DELETE FROM image_refs WHERE ref = ?1", {ref}));
    RETURN_IF_ERROR(tx.exec(kDropOrphans, {}));
    ASSIGN_OR_RETURN(rows, tx.query("SELECT count(*) FROM images", {}));
    deleted = AsInt(rows[0][0]) < before;
    return absl::OkStatus();
  }));
  return deleted;
}

absl::Status ImageStore::Delete(const std::string& id) {
  return db_->Transaction([&](store::Database::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(
        tx.exec("DELETE FROM image_refs WHERE image_id = ?1", {id}));
    return tx.exec("DELETE FROM images WHERE id = ?1", {id});
  });
}

}  // namespace crisp::image
