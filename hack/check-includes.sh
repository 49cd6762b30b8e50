#!/usr/bin/env bash
# The module boundaries of DESIGN.md, checked on every #include: a module
# includes only itself and the modules below it (the table below is
# DESIGN.md's picture, also drawn in docs/architecture.md), protobuf and
# gRPC headers stop at server/, SQLite stays in common/store/, and the
# store stays out of what crisp-monitor links. tests/ and hack/ may include
# anything. Prints file:line and the rule broken; exit 1 on any finding.
# Usage: hack/check-includes.sh [ROOT]   (default: this repository)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# A file's module is its top folder; a new top folder holding C++ must be
# added here (the check fails on an unknown one).
allowed='
common:
runtime: common
image: common
cni: common
sandbox: common runtime cni
containers: common runtime image sandbox
streaming: common
server: common runtime image sandbox containers streaming
'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  list() { git ls-files --cached --others --exclude-standard; }
else
  list() { find . -type f | sed 's|^\./||'; }
fi
mapfile -t files < <(list | grep -E '\.(cc|h|inc)$' |
  grep -vE '^(tests|hack|build[^/]*|cri-api)/' | sort -u)
((${#files[@]})) || exit 0

awk -v allowed="$allowed" '
BEGIN {
  n = split(allowed, rows, "\n")
  for (i = 1; i <= n; i++) {
    if (rows[i] == "") continue
    split(rows[i], kv, ":")
    known[kv[1]] = 1
    m = split(kv[2], deps, " ")
    for (j = 1; j <= m; j++) ok[kv[1], deps[j]] = 1
  }
  bad = 0
}
function report(rule) {
  printf "%s:%d: #include %s: %s\n", FILENAME, FNR, target, rule
  bad = 1
}
FNR == 1 {
  split(FILENAME, parts, "/")
  module = parts[1]
  if (!(module in known)) {
    printf "%s:1: module %s/ is not in the table of hack/check-includes.sh\n",
      FILENAME, module
    bad = 1
  }
}
/^[ \t]*#[ \t]*include[ \t]*[<"]/ {
  if (!match($0, /[<"][^>"]+[>"]/)) next
  target = substr($0, RSTART, RLENGTH)
  path = substr(target, 2, RLENGTH - 2)
  split(path, p, "/")
  top = p[1]
  if (path ~ /(^|\/)\.\.\//) {
    report("project headers are included by their path from the repository root")
  } else if (path ~ /^(cri-api|grpcpp|grpc|google\/protobuf)\// ||
             path ~ /\.pb\.h$/) {
    if (module != "server")
      report("protobuf and gRPC types stop at server/ (DESIGN.md)")
  } else if (path == "sqlite3.h") {
    if (FILENAME !~ /^common\/store\//)
      report("SQLite is used only through common/store/")
  } else if (path ~ /^common\/store\//) {
    if (module == "common" && FILENAME !~ /^common\/store\//)
      report("common/ stays light: common/store/ is a separate target")
    else if (module == "runtime" || module == "cni" || module == "streaming")
      report(module "/ links no SQLite (crisp-monitor links none of it)")
  } else if ((top in known) && top != module && !((module, top) in ok)) {
    report(module "/ may not include " top "/ (module order of DESIGN.md)")
  }
}
END { exit bad }
' "${files[@]}"
