# The image of the web server and the worker: one image, two commands.
#
#   web (default CMD):  node build/app/server/main.js    listens on $PORT (8080), answers GET /health
#   worker:             node build/app/worker/main.js    e.g. docker run IMAGE node build/app/worker/main.js
#
# Both are configured only by the environment (see the README): JWT_SECRET and REDIS_URL at least.
#
# BASE_IMAGE (the build stages) must provide Node 24, npm and /bin/sh: the official slim image.
# RUNTIME_IMAGE (what ships) needs only Node 24 at /nodejs/bin/node: Google's distroless Node 24, which
# has no shell, no npm and no package manager, so a smaller image with less to patch (see docs/pulumi.md#the-image).
# The offline build test (scripts/build-image.sh) passes stand-ins for both, assembled from Node 24's
# own binary, because no base image can be pulled there.
ARG BASE_IMAGE=node:24-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian13

# --- build: every dependency (TypeScript included), then compile to build/ -------------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /app
# The lockfile alone decides the install, so this layer is reused until a dependency changes.
COPY package.json package-lock.json ./
# The cache mount keeps npm's download cache between builds without putting it in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# .dockerignore narrows the context to the sources `npm run build` reads.
COPY . .
RUN npm run build

# --- prod-deps: production dependencies only (no Pulumi, cdk8s, TypeScript or test tools) -----------
FROM ${BASE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime: no shell, no npm ------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# distroless starts /nodejs/bin/node as its ENTRYPOINT and has no `node` on PATH; the manifests run
# `node …` by name (the worker's command, the web preStop hook), so put it on PATH and run plain commands.
ENV NODE_ENV=production \
    PORT=8080 \
    PATH=/nodejs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENTRYPOINT []
WORKDIR /app
# package.json says "type": "module", which the compiled ES modules need at run time.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
# Numeric, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd lookup; 1000 is the
# manifests' runAsUser (and the slim image's `node` user). Files stay root-owned: the app only reads them.
USER 1000:1000
EXPOSE 8080
CMD ["node", "build/app/server/main.js"]
