# syntax=docker/dockerfile:1
# A small, non-root image of one Huddle node. docker-compose.yml runs two of
# them behind a load balancer, on Redis.

# The web app, when its sources are present (frontend/package.json).
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund && npm run build; fi

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X huddle/server.Version=${VERSION}" -o /out/huddle .
# The library's directory, made here: the final image has no shell.
RUN mkdir -p /out/data

# distroless: no shell, no package manager; runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/huddle /huddle
COPY --from=build --chown=65532:65532 /out/data /data
USER nonroot:nonroot
EXPOSE 8080
# On the embedded store (no HUDDLE_REDIS_URL) the trainer's packs and kept
# sessions are kept in /data, a volume: `docker run -v huddle-data:/data …`
# keeps them for the next container too. With Redis it is not used.
ENV HUDDLE_ADDR=:8080 HUDDLE_LOG_FORMAT=json HUDDLE_DATA_DIR=/data
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/huddle", "health"]
ENTRYPOINT ["/huddle"]
CMD ["serve"]
