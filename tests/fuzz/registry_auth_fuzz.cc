// Registry authentication input (image/registry_auth.*). The token
// server's answer is parsed by ParseTokenAnswer, private to the file and
// reached only through an HTTP request, so this fuzzes the exposed parsers:
// the same JSON steps ParseTokenAnswer takes (common/json.h),
// WWW-Authenticate challenges (one header value per input line) and the
// base64 "auth" of an AuthConfig.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/json.h"
#include "image/registry/registry_auth.h"

using namespace crisp::image;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto answer = crisp::json::ParseObject(text, "token server");
  if (answer.ok()) {
    (void)crisp::json::StringOr(*answer, "token", "", "token server");
    (void)crisp::json::StringOr(*answer, "access_token", "", "token server");
    (void)crisp::json::Int64Or(*answer, "expires_in", 60, "token server");
  }
  std::vector<std::string> values = absl::StrSplit(text, '\n');
  Credentials creds{.username = "u", .password = "p"};
  TokenCache cache;
  AuthContext ctx{.credentials = &creds,
                  .scope = "repository:a/b:pull",
                  .tls = {},
                  .timeouts = {},
                  .cache = &cache};
  for (const Challenge& c : ParseChallenges(values)) {
    (void)TokenCacheKey(c, ctx);
  }
  (void)DecodeAuth(text);
  return 0;
}
