// ContainerStatus.user (KEP-3619): the uid, gid and supplementary groups
// the container's processes run with.
#pragma once

#include "containers/container.h"
#include "cri-api/api.pb.h"
#include "runtime/spec/spec.h"

namespace crisp::server {

namespace v1 = ::runtime::v1;

// The identity as a CRI message, groups in the order setgroups got them.
void ToCriContainerUser(const runtime::spec::User& user,
                        v1::ContainerUser* out);

// Read from the container's config.json: crisp-runtime applies exactly its
// process.user (setgroups, setgid, setuid; the create fails otherwise), and
// execs take the same, so it is the identity in effect in every state (as
// containerd and CRI-O report it). Left unset when the bundle cannot be
// read (a container whose create was rolled back).
void FillContainerUser(const containers::Container& c,
                       v1::ContainerStatus* out);

}  // namespace crisp::server
