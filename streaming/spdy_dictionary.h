// The SPDY/3 zlib dictionary shared by both ends of a connection.
#pragma once

#include <string>

namespace crisp::streaming {

const std::string& SpdyDictionary();

}  // namespace crisp::streaming
