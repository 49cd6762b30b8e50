#include "server/daemon/daemon.h"

namespace crisp::server {

const std::vector<store::Migration>& SchemaMigrations() {
  static const auto* kMigrations = new std::vector<store::Migration>{
      // 1: facts about the store itself (which build created it, when).
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  };
  return *kMigrations;
}

}  // namespace crisp::server
