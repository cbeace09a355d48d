#!/usr/bin/env bash
# Builds the project's Dockerfile with buildah, without a Docker engine and without pulling anything,
# then runs the image's own default command and checks that it answers GET /health.
#
# No base image can be pulled here, so stand-ins for the Dockerfile's two bases are assembled FROM
# scratch around the Node the project runs on (the major in .nvmrc, from the npm registry through
# scripts/fetch-node.sh, whatever Node this machine has): for node:24-slim (the build stages) that
# Node, this machine's npm, /bin/sh and /usr/bin/env (npm's shebangs) and the CA bundle the host's
# Node trusts; for distroless Node 24 (the runtime) only /nodejs/bin/node, its libraries and the CA
# bundle, no shell. Each has the shared libraries `ldd` lists. The Dockerfile is built unchanged
# against them through its BASE_IMAGE and RUNTIME_IMAGE build arguments. `npm ci` inside the build
# still reaches the npm registry; the host's npm cache is mounted at /root/.npm so packages the host
# already downloaded are reused.
#
# Usage: scripts/build-image.sh [--tag NAME] [--no-smoke] [--help]
#   --tag NAME   image name to build (default localhost/personalizedline:dev)
#   --no-smoke   build and measure only; do not run the web command
# Environment: PL_BUILDAH_ROOT  buildah storage folder (default /var/tmp/personalizedline-buildah),
#              kept between runs so the stand-ins are assembled once per Node version;
#              PL_NODE_CACHE  where scripts/fetch-node.sh keeps the Node it downloads.
# Output: progress lines prefixed "build-image:", then one line "RESULT {json}" with the image name,
# the stand-ins' names, the buildah storage folder, the sizes in bytes (total, runtime stand-in, and
# what the Dockerfile added), the build time, the /health answer and whatever the server printed
# that is not a JSON log line. Exit status 0 only when the build (and the smoke run) succeeded; 3
# when buildah is missing.
set -euo pipefail

tag=localhost/personalizedline:dev
smoke=1
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --no-smoke) smoke=0; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v buildah >/dev/null 2>&1; then
  echo "build-image: buildah is not installed (Debian: apt-get install buildah)" >&2
  exit 3
fi

repo_root=$(cd "$(dirname "$0")/.." && pwd)
root=${PL_BUILDAH_ROOT:-/var/tmp/personalizedline-buildah}
# vfs works everywhere (no overlay mounts needed inside a container); chroot isolation needs no runc.
bh=(buildah --root "$root/storage" --runroot "$root/run" --storage-driver vfs)
export BUILDAH_ISOLATION=chroot

log() { echo "build-image: $*"; }
now_ms() { date +%s%3N; }

containers=()
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for c in "${containers[@]}"; do "${bh[@]}" rm "$c" >/dev/null 2>&1 || true; done
  [ -n "${rootfs:-}" ] && rm -rf "$rootfs"
  return 0
}
trap cleanup EXIT

# Sum of the image's layer sizes in bytes (buildah stores layers uncompressed, so this is the unpacked size).
image_bytes() {
  "${bh[@]}" inspect --type image --format '{{.Manifest}}' "$1" |
    node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const m=JSON.parse(s);console.log(m.layers.reduce((n,l)=>n+l.size,0))})'
}

# --- 1. the stand-in bases ---------------------------------------------------------------------------
# The Node the Dockerfile's default bases have (Node 24), not the host's: the runtime the image test
# runs is the one that is deployed.
node_bin=$(readlink -f "$("$repo_root/scripts/fetch-node.sh")")
node_version=$("$node_bin" -p process.versions.node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
base="localhost/personalizedline-node-standin:$node_version-npm$(npm --version)"
runtime="localhost/personalizedline-distroless-standin:$node_version"

# A fresh root file system in $rootfs, with the host's merged-/usr layout (/lib -> usr/lib ...) so the
# paths ldd prints stay valid, and the usual world-writable /tmp.
new_rootfs() {
  rootfs=$(mktemp -d)
  for d in bin sbin lib lib64; do
    if [ -L "/$d" ]; then
      target=$(readlink "/$d")
      case "$target" in /*) mkdir -p "$rootfs$target" ;; *) mkdir -p "$rootfs/$target" ;; esac
      ln -s "$target" "$rootfs/$d"
    fi
  done
  mkdir -p "$rootfs"/{usr/bin,etc,root,tmp}
  chmod 1777 "$rootfs/tmp"
}

# Copies the shared libraries each named binary needs (as ldd lists them) into $rootfs.
copy_libraries() {
  for bin in "$@"; do
    ldd "$bin" | grep -o '/[^ ]*' | while read -r lib; do
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    done
  done
}

# Commits $rootfs as image $1; the other arguments are `buildah config` options.
commit_rootfs() {
  local image=$1 ctr
  shift
  ctr=$("${bh[@]}" from scratch)
  containers+=("$ctr")
  "${bh[@]}" copy "$ctr" "$rootfs/" / >/dev/null
  "${bh[@]}" config "$@" "$ctr"
  "${bh[@]}" commit --quiet --rm "$ctr" "$image" >/dev/null
  containers=()
  rm -rf "$rootfs"
  rootfs=
}

# node:24-slim, as far as the build stages use it: node and npm under /usr/local, /bin/sh and
# /usr/bin/env (npm's shebangs), and the `node` user (1000).
assemble_base() {
  new_rootfs
  mkdir -p "$rootfs"/usr/local/{bin,lib/node_modules}
  cp "$node_bin" "$rootfs/usr/local/bin/node"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  local sh_bin env_bin
  sh_bin=$(readlink -f /bin/sh)
  env_bin=$(readlink -f /usr/bin/env)
  cp "$sh_bin" "$rootfs/usr/bin/sh"
  ln -s sh "$rootfs/usr/bin/$(basename "$sh_bin")"
  cp "$env_bin" "$rootfs/usr/bin/env"
  copy_libraries "$node_bin" "$sh_bin" "$env_bin"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
  local env_args=(--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  # This machine reaches the registry through a TLS proxy its Node trusts via NODE_EXTRA_CA_CERTS;
  # the stand-in trusts the same bundle, as the host's Node does.
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    mkdir -p "$rootfs$(dirname "$NODE_EXTRA_CA_CERTS")"
    cp -L "$NODE_EXTRA_CA_CERTS" "$rootfs$NODE_EXTRA_CA_CERTS"
    env_args+=(--env "NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS")
  fi
  commit_rootfs "$base" "${env_args[@]}" --cmd node
}

# gcr.io/distroless/nodejs24-debian13 as its build files describe it: /nodejs/bin/node as the
# ENTRYPOINT, the C libraries it links, the CA bundle, distroless's users (root, nobody, nonroot
# 65532); no shell, no npm, nothing on PATH.
assemble_runtime() {
  new_rootfs
  mkdir -p "$rootfs"/{nodejs/bin,etc/ssl/certs,home/nonroot}
  cp "$node_bin" "$rootfs/nodejs/bin/node"
  copy_libraries "$node_bin"
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$rootfs/etc/group"
  commit_rootfs "$runtime" --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --entrypoint '["/nodejs/bin/node"]'
}

# Assembles image $1 with function $2 unless storage already holds it.
ensure_image() {
  if "${bh[@]}" inspect --type image "$1" >/dev/null 2>&1; then
    log "stand-in $1 (reused)"
  else
    t0=$(now_ms)
    "$2"
    log "stand-in $1 assembled in $(( ($(now_ms) - t0) / 1000 ))s"
  fi
}
ensure_image "$base" assemble_base
ensure_image "$runtime" assemble_runtime

# --- 2. the project's Dockerfile, unchanged ---------------------------------------------------------
npm_cache=$(npm config get cache)
mkdir -p "$npm_cache"
log "building $tag from $repo_root/Dockerfile (BASE_IMAGE=$base RUNTIME_IMAGE=$runtime)"
t0=$(now_ms)
"${bh[@]}" build --isolation chroot \
  --build-arg "BASE_IMAGE=$base" --build-arg "RUNTIME_IMAGE=$runtime" \
  --volume "$npm_cache:/root/.npm" \
  --tag "$tag" --file "$repo_root/Dockerfile" "$repo_root" 2>&1 |
  sed -E '/^(Getting image source signatures|Copying (blob|config)|Writing manifest|Storing signatures)/d' || {
  log "build FAILED"
  exit 1
}
build_ms=$(( $(now_ms) - t0 ))
# Earlier builds of this tag are now untagged; the storage folder is ours alone, so drop them.
"${bh[@]}" rmi --prune >/dev/null 2>&1 || true

total=$(image_bytes "$tag")
base_bytes=$(image_bytes "$runtime")
added=$(( total - base_bytes ))
mb() { node -p "($1/1e6).toFixed(1)"; }
log "built $tag in $(( build_ms / 1000 ))s: $(mb "$total") MB = runtime stand-in $(mb "$base_bytes") MB + $(mb "$added") MB added by the Dockerfile"

# --- 3. run the image's own default command and ask it for /health ----------------------------------
health=null
if [ "$smoke" = 1 ]; then
  ctr=$("${bh[@]}" from "$tag")
  containers+=("$ctr")
  mapfile -t cmd < <("${bh[@]}" inspect --type image \
    --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$tag")
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  # Redis is deliberately unreachable: /health is liveness only and must not depend on it.
  run_log=$(mktemp)
  setsid "${bh[@]}" run --isolation chroot \
    -e "PORT=$port" -e JWT_SECRET=build-image-smoke-secret-at-least-32-bytes -e REDIS_URL=redis://127.0.0.1:1 \
    "$ctr" -- "${cmd[@]}" >"$run_log" 2>&1 &
  server_pid=$!
  log "running '${cmd[*]}' from the image on port $port"
  if ! health=$(node -e '
    const url = process.argv[1]; const deadline = Date.now() + 60_000;
    (async () => {
      for (;;) {
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
          const body = await res.text();
          if (res.status === 200) { console.log(JSON.stringify(body)); return; }
        } catch {}
        if (Date.now() > deadline) { console.error("no 200 from " + url + " within 60 s"); process.exit(1); }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();' "http://127.0.0.1:$port/health"); then
    log "GET /health FAILED; the server said:"
    sed 's/^/  | /' "$run_log" >&2
    exit 1
  fi
  log "GET /health -> $health"
  # What the server printed up to now (start-up included) that is not one of its JSON log lines.
  other_output=$(node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.trim() !== "");
    const isLog = (l) => { try { return typeof JSON.parse(l).msg === "string"; } catch { return false; } };
    console.log(JSON.stringify(lines.filter((l) => !isLog(l))));' "$run_log")
  rm -f "$run_log"
fi

printf 'RESULT {"image":"%s","base":"%s","runtimeBase":"%s","storage":"%s","sizeBytes":%s,"baseSizeBytes":%s,"addedBytes":%s,"buildSeconds":%s,"health":%s,"otherOutput":%s}\n' \
  "$tag" "$base" "$runtime" "$root" "$total" "$base_bytes" "$added" "$(node -p "($build_ms/1000).toFixed(1)")" "$health" "${other_output:-null}"
