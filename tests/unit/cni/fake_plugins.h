// Fake CNI plugins for tests: /bin/sh scripts in a temp dir that record
// each call (the command in order, the environment, stdin) and then run a
// body that prints a canned result or fails.
#pragma once

#include <stdlib.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace crisp::cni::testing {

class FakePlugins {
 public:
  FakePlugins() {
    char tmpl[] = "/tmp/crisp-cni-fake.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    EXPECT_TRUE(MakeDirs(bin(), 0755).ok());
  }
  ~FakePlugins() { EXPECT_TRUE(RemoveAll(dir_).ok()); }
  FakePlugins(const FakePlugins&) = delete;
  FakePlugins& operator=(const FakePlugins&) = delete;

  const std::string& dir() const { return dir_; }
  std::string bin() const { return dir_ + "/bin"; }

  // Writes bin/<name> and returns its path. The script appends
  // "<name> <CNI_COMMAND>" to <dir>/calls, saves its environment and stdin
  // as <dir>/<name>.<CNI_COMMAND>.env / .stdin, then runs `body`.
  std::string Write(const std::string& name, const std::string& body) {
    std::string path = bin() + "/" + name;
    std::string script =
        absl::StrCat("#!/bin/sh\nd=", dir_, "\necho \"", name,
                     " $CNI_COMMAND\" >> $d/calls\nenv > $d/", name,
                     ".$CNI_COMMAND.env\ncat > $d/", name,
                     ".$CNI_COMMAND.stdin\n", body, "\n");
    EXPECT_TRUE(WriteFileAtomic(path, script, 0755).ok());
    return path;
  }

  // A plugin that prints `result` on ADD and nothing on other commands.
  std::string WriteResult(const std::string& name,
                          const nlohmann::json& result) {
    return Write(name, absl::StrCat("[ \"$CNI_COMMAND\" = ADD ] || exit 0\n",
                                    "cat <<'EOF'\n", result.dump(), "\nEOF"));
  }

  // "<name> <command>" lines, in call order.
  std::vector<std::string> Calls() const {
    auto text = ReadFile(dir_ + "/calls");
    if (!text.ok()) return {};
    return absl::StrSplit(*text, '\n', absl::SkipEmpty());
  }

  nlohmann::json Stdin(const std::string& name,
                       const std::string& command) const {
    auto text = ReadFile(absl::StrCat(dir_, "/", name, ".", command, ".stdin"));
    EXPECT_TRUE(text.ok()) << text.status();
    return nlohmann::json::parse(text.value_or(""), nullptr, false);
  }

  std::map<std::string, std::string> Env(const std::string& name,
                                         const std::string& command) const {
    auto text = ReadFile(absl::StrCat(dir_, "/", name, ".", command, ".env"));
    EXPECT_TRUE(text.ok()) << text.status();
    std::map<std::string, std::string> env;
    for (absl::string_view line :
         absl::StrSplit(text.value_or(""), '\n', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv =
          absl::StrSplit(line, absl::MaxSplits('=', 1));
      env.insert(kv);
    }
    return env;
  }

 private:
  std::string dir_;
};

// A CNI error object as plugins print it.
inline std::string CniError(int code, const std::string& msg,
                            const std::string& details) {
  return nlohmann::json{{"cniVersion", "1.0.0"},
                        {"code", code},
                        {"msg", msg},
                        {"details", details}}
      .dump();
}

}  // namespace crisp::cni::testing
