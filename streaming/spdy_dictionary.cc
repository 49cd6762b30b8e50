// The zlib dictionary of SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00,
// section 2.6.10.1): 65 length-prefixed words common in HTTP headers, then a
// run of status codes, dates and media types. Both ends prime their zlib
// streams with it, so it must match byte for byte (1423 bytes, Adler-32
// 0xe3c6a7c2).
#include "streaming/spdy_dictionary.h"

#include <array>

namespace crisp::streaming {
namespace {

constexpr std::array<const char*, 65> kWords = {
    "options",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "accept-ranges",
    "age",
    "allow",
    "authorization",
    "cache-control",
    "connection",
    "content-base",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "date",
    "etag",
    "expect",
    "expires",
    "from",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "pragma",
    "proxy-authenticate",
    "proxy-authorization",
    "range",
    "referer",
    "retry-after",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "vary",
    "via",
    "warning",
    "www-authenticate",
    "method",
    "get",
    "status",
    "200 OK",
    "version",
    "HTTP/1.1",
    "url",
    "public",
    "set-cookie",
    "keep-alive",
    "origin",
};

// Stored without separators, as the specification lists it.
constexpr const char kTail[] =
    "1001012012022052063003023033043053063074024054064074084094104114124134"
    "14415416417502504505203 Non-Authoritative Information204 No Content301"
    " Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not "
    "Found500 Internal Server Error501 Not Implemented503 Service Unavailab"
    "leJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, "
    "Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,imag"
    "e/gif,application/xml,application/xhtml+xml,text/plain,text/javascript"
    ",publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1"
    ",utf-,*,enq=0.";

std::string Build() {
  std::string dict;
  for (const char* word : kWords) {
    std::string w(word);
    uint32_t n = static_cast<uint32_t>(w.size());
    for (int shift = 24; shift >= 0; shift -= 8) {
      dict.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    dict += w;
  }
  return dict + kTail;
}

}  // namespace

const std::string& SpdyDictionary() {
  static const std::string* const kDictionary = new std::string(Build());
  return *kDictionary;
}

}  // namespace crisp::streaming
