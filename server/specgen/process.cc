#include "server/specgen/process.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace crisp::server::specgen {
namespace {

// Keeps the order of first appearance, as containerd does, so a later
// override does not move PATH or HOSTNAME to the end.
class EnvList {
 public:
  void Set(const std::string& entry) {
    size_t eq = entry.find('=');
    std::string key = entry.substr(0, eq);
    auto it = index_.find(key);
    if (eq == std::string::npos) {
      if (it != index_.end()) entries_[it->second].clear();
      return;
    }
    if (it != index_.end()) {
      entries_[it->second] = entry;
    } else {
      index_[key] = entries_.size();
      entries_.push_back(entry);
    }
  }
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    for (std::string& e : entries_) {
      if (!e.empty()) out.push_back(std::move(e));
    }
    return out;
  }

 private:
  std::vector<std::string> entries_;  // "" marks a removed key
  std::map<std::string, size_t> index_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ProcessArgs(
    const v1::ContainerConfig& config, const image::ImageConfig& image) {
  std::vector<std::string> command(config.command().begin(),
                                   config.command().end());
  std::vector<std::string> args(config.args().begin(), config.args().end());
  if (command.empty()) {
    if (args.empty()) args = image.cmd;
    // An Entrypoint of [""] is how an image resets its parent's.
    bool reset = image.entrypoint.size() == 1 && image.entrypoint[0].empty();
    if (!reset) command = image.entrypoint;
  }
  command.insert(command.end(), args.begin(), args.end());
  if (command.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "container ", config.metadata().name(),
        ": no command specified (neither command/args nor the image's "
        "Entrypoint/Cmd)"));
  }
  return command;
}

std::vector<std::string> ProcessEnv(const v1::ContainerConfig& config,
                                    const image::ImageConfig& image,
                                    const std::string& hostname) {
  EnvList env;
  env.Set(kDefaultPath);
  env.Set("HOSTNAME=" + hostname);
  for (const std::string& e : image.env) env.Set(e);
  for (const auto& kv : config.envs()) {
    env.Set(absl::StrCat(kv.key(), "=", kv.value()));
  }
  return env.Take();
}

absl::StatusOr<std::string> ProcessCwd(const v1::ContainerConfig& config,
                                       const image::ImageConfig& image) {
  const std::string& dir = config.working_dir();
  if (!dir.empty()) {
    if (dir[0] != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("working_dir \"", dir, "\": must be an absolute path"));
    }
    return dir;
  }
  if (image.working_dir.empty()) return std::string("/");
  // Image builders store WORKDIR absolute; a hand-made config may not.
  if (image.working_dir[0] != '/') return "/" + image.working_dir;
  return image.working_dir;
}

}  // namespace crisp::server::specgen
