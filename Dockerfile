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

# distroless: no shell, no package manager; runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/huddle /huddle
USER nonroot:nonroot
EXPOSE 8080
ENV HUDDLE_ADDR=:8080 HUDDLE_LOG_FORMAT=json
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/huddle", "health"]
ENTRYPOINT ["/huddle"]
CMD ["serve"]
