#include "sandbox/cni_pod_network.h"

#include "absl/strings/str_cat.h"
#include "cni/network_config.h"
#include "common/status.h"
#include "glog/logging.h"

namespace crisp::sandbox {

cni::Attachment ToCniAttachment(const NetworkAttachment& a) {
  cni::Attachment c;
  c.container_id = a.pod_id;
  c.netns_path = a.netns;
  c.cni_args = {{"K8S_POD_NAMESPACE", a.metadata.namespace_},
                {"K8S_POD_NAME", a.metadata.name},
                {"K8S_POD_INFRA_CONTAINER_ID", a.pod_id},
                {"K8S_POD_UID", a.metadata.uid}};
  nlohmann::json ports = nlohmann::json::array();
  for (const PortMapping& p : a.port_mappings) {
    if (p.host_port <= 0) continue;  // only published ports, as containerd
    nlohmann::json m = {{"hostPort", p.host_port},
                        {"containerPort", p.container_port},
                        {"protocol", p.protocol}};
    if (!p.host_ip.empty()) m["hostIP"] = p.host_ip;
    ports.push_back(std::move(m));
  }
  if (!ports.empty()) c.runtime_config["portMappings"] = std::move(ports);
  return c;
}

CniPodNetwork::CniPodNetwork(std::string conf_dir, cni::NetworkOptions options)
    : conf_dir_(std::move(conf_dir)), options_(std::move(options)) {
  // No write is under way yet, so every temp file is a dead one's: nothing
  // else would ever remove them.
  absl::Status swept = cni::ResultCache(options_.cache_dir).RemoveStaleTemps();
  if (!swept.ok()) LOG(WARNING) << swept.message();
}

absl::StatusOr<cni::Network> CniPodNetwork::DefaultNetwork() const {
  ASSIGN_OR_RETURN(cni::NetworkConfig config,
                   cni::FindDefaultNetwork(conf_dir_));
  return cni::Network(std::move(config), options_);
}

absl::StatusOr<std::vector<std::string>> CniPodNetwork::Attach(
    const NetworkAttachment& attachment) {
  ASSIGN_OR_RETURN(cni::Network network, DefaultNetwork());
  ASSIGN_OR_RETURN(cni::Result result,
                   network.Add(ToCniAttachment(attachment)));
  std::vector<std::string> ips = cni::PodIps(result);
  if (ips.empty()) {
    (void)network.Del(ToCniAttachment(attachment));
    return absl::FailedPreconditionError(
        "CNI network " + network.config().name + " gave the pod no IP");
  }
  return ips;
}

absl::Status CniPodNetwork::Detach(const NetworkAttachment& attachment) {
  cni::Attachment a = ToCniAttachment(attachment);
  auto network = DefaultNetwork();
  if (network.ok()) return network->Del(a);
  return DetachCached(a, network.status());
}

// With /etc/cni/net.d empty or broken, StopPodSandbox and RemovePodSandbox
// must still work (audit M8): DEL with the config each ADD cached. With no
// entry either, nothing is attached that a DEL could undo: the cache entry
// goes only when a DEL succeeds.
absl::Status CniPodNetwork::DetachCached(const cni::Attachment& a,
                                         const absl::Status& no_default) const {
  ASSIGN_OR_RETURN(std::vector<cni::Network> networks,
                   cni::Network::FromCache(a, options_));
  if (networks.empty()) {
    LOG(WARNING) << "pod " << a.container_id
                 << ": no CNI result cached and no network config ("
                 << no_default.message() << "); nothing to detach";
  }
  absl::Status status;
  for (const cni::Network& network : networks) status.Update(network.Del(a));
  return status;
}

absl::Status CniNetworkReady(const std::string& conf_dir,
                             const std::vector<std::string>& bin_dirs) {
  auto network = cni::FindDefaultNetwork(conf_dir);
  if (!network.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cni config not loaded: ", network.status().message()));
  }
  for (const auto& type : network->plugin_types) {
    auto plugin = cni::FindPlugin(type, bin_dirs);
    if (!plugin.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("network ", network->name, " (", network->path,
                       "): ", plugin.status().message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace crisp::sandbox
