# The image of the web server and the worker: one image, two commands.
#
#   web (default CMD):  node build/app/server/main.js    listens on $PORT (8080), answers GET /health
#   worker:             node build/app/worker/main.js    e.g. docker run IMAGE node build/app/worker/main.js
#
# Both are configured only by the environment (see the README): JWT_SECRET and REDIS_URL at least.
#
# BASE_IMAGE must provide node 20, npm and /bin/sh. The default is the official slim image; the offline
# build test (scripts/build-image.sh) passes a stand-in assembled from the host's own Node instead,
# because no base image can be pulled there.
ARG BASE_IMAGE=node:20-slim

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

# --- runtime -------------------------------------------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# package.json says "type": "module", which the compiled ES modules need at run time.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
# Numeric, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd lookup; 1000 is the
# official image's `node` user. Files stay root-owned: the app only reads them.
USER 1000:1000
EXPOSE 8080
CMD ["node", "build/app/server/main.js"]
