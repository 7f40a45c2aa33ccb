# Trellis as a container image: the server, the tab and the local Graph emulator (local mode is
# the default when no tenant is configured), on production dependencies only.
#
#   docker build -t trellis .            (or podman build)
#   docker run -p 3978:3978 trellis      local mode with demo data: http://localhost:3978
#   docker run -p 3978:3978 --env-file tenant.env trellis      tenant mode (README: "Deploy to Azure")
#
# The same image runs the scheduled review sweep: command `node dist/scripts/job-sweep.js`.
# NODE_IMAGE picks the Node.js base (any Debian-based image with Node 20.19+ and a `node` user).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every dependency, then `npm run build` (tsc to dist/, Vite to dist/tab)
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and dist/ only, as the unprivileged `node` user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3978
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
# Local mode keeps its emulator data in .trellis-data under the working directory; tenant mode
# writes nothing to disk.
RUN mkdir -p /app/.trellis-data && chown node:node /app/.trellis-data
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/scripts/start.js"]
