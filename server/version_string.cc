#include "server/version.h"

namespace crisp::server {

const char kRuntimeVersion[] = CRISP_VERSION_STRING;

}  // namespace crisp::server
