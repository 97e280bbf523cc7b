# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
RUN npm ci --ignore-scripts && npm run build && npm prune --omit=dev

# Runtime stage: only the compiled code and production dependencies, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    GEMINI_POOL_HOST=0.0.0.0 \
    GEMINI_POOL_PORT=8080 \
    GEMINI_POOL_KEYS=/app/keys.txt \
    GEMINI_POOL_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json keys.txt.example ./
COPY config ./config
# `docker exec <container> gemini-pool status` works: the CLI is on the PATH.
RUN mkdir -p /data && chown node:node /data \
  && chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/gemini-pool
USER node
VOLUME /data
EXPOSE 8080
# No curl in slim images: node itself asks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GEMINI_POOL_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["start"]
