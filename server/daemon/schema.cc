#include "containers/container_json.h"
#include "sandbox/pod_json.h"
#include "server/daemon/daemon.h"

namespace crisp::server {

const std::vector<store::Migration>& SchemaMigrations() {
  static const auto* kMigrations = new std::vector<store::Migration>{
      // 1: facts about the store itself (which build created it, when).
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      // 2: images (image/image_store.h): one row per image (id = config
      // digest, layers as JSON) and its tag and digest references.
      "CREATE TABLE images (id TEXT PRIMARY KEY, manifest_digest TEXT NOT "
      "NULL, index_digest TEXT NOT NULL, size INTEGER NOT NULL, user TEXT "
      "NOT NULL, layers TEXT NOT NULL, created_unix_nanos INTEGER NOT NULL);"
      "CREATE TABLE image_refs (ref TEXT PRIMARY KEY, image_id TEXT NOT NULL "
      "REFERENCES images(id), kind TEXT NOT NULL CHECK (kind IN ('tag', "
      "'digest')));"
      "CREATE INDEX image_refs_by_image ON image_refs(image_id)",
      // 3: pod sandboxes (sandbox/pod_json.h).
      sandbox::kPodsSchema,
      // 4: containers (containers/container_json.h).
      containers::kContainersSchema,
  };
  return *kMigrations;
}

}  // namespace crisp::server
