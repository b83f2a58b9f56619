# syntax=docker/dockerfile:1
# Lockdown Auditor as a container image (README "Deploy"). Multi-stage: dependencies and the build stay in the
# build stages; the runtime image holds Next's standalone server (server.js plus only the node_modules it traces,
# no dev dependencies), runs as the non-root `node` user, and its HEALTHCHECK asks GET /api/health.
#
#   docker build -t lockdown-auditor .                       # the app, with Debian Chromium for the PDF export
#   docker build --target runtime -t lockdown-auditor:nopdf .  # ~300 MB smaller, no browser: every export but PDF
#   docker build --target test -t lockdown-auditor:test .    # + Chromium and PostgreSQL; `docker run` it to run npm test
#   docker run -p 3000:3000 -v lockdown-data:/data -e ALLOW_UNAUTHENTICATED=1 lockdown-auditor   # trusted network only
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /src
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 NEXT_OUTPUT=standalone
RUN node node_modules/next/dist/bin/next build

# Only for running the test suite in a container: the browser tests drive Debian's Chromium, the store suite starts
# a throwaway PostgreSQL. Never the image that is deployed.
FROM build AS test
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core postgresql \
 && rm -rf /var/lib/apt/lists/*
ENV CI=1
CMD ["npm", "test"]

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOCKDOWN_DB=/data/lockdown.db \
    SHUTDOWN_GRACE_MS=8000
# The code stays owned by root (the app cannot change it); only /data (the SQLite default) and Next's cache are the app's.
# test/store/standalone.test.ts assembles its copy of /app from the COPY lines of this stage: keep them one per line.
COPY --from=build /src/.next/standalone ./
COPY --from=build /src/.next/static ./.next/static
# The worker threads' prebuilt bundles (upload audits within SCAN_TIME_LIMIT_S, big PDFs): next.config.js writes them
# at build time (scripts/bundle-workers.mjs), since the standalone output holds no sources for them to load.
COPY --from=build /src/.next/workers ./workers
COPY --from=build /src/public ./public
COPY --from=build /src/scripts/serve.mjs /src/scripts/standalone-start.mjs /src/scripts/html-cache.mjs ./scripts/
# scripts/serve.mjs's start checks need ipaddr.js, which the server bundle inlines rather than traces.
COPY --from=build /src/node_modules/ipaddr.js ./node_modules/ipaddr.js
RUN mkdir -p /data /app/.next/cache && chown node:node /data /app/.next/cache
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: Next drains requests and a running live scan finishes or is released (SHUTDOWN_GRACE_MS, under Docker's
# 10 s default stop timeout; raise both together, e.g. `docker stop -t 60` with SHUTDOWN_GRACE_MS=50000).
STOPSIGNAL SIGTERM
CMD ["node", "scripts/standalone-start.mjs"]

# The default target: the runtime plus what the PDF export prints with (lib/report/pdf.ts): Debian's Chromium, driven
# by playwright-core, and the DejaVu fonts. Only this stage has a browser.
FROM runtime AS app
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV LOCKDOWN_CHROMIUM=/usr/bin/chromium
USER node
