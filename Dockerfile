# Mercator's production image: the API and web catalog (`serve`, the default) or a
# deployment worker (`worker`), run as a non-root user.
#   docker build -t mercator:0.1.0 .
#   docker run -e MERCATOR_NEO4J_URI=neo4j+s://... -e MERCATOR_NEO4J_PASSWORD_FILE=/run/secrets/neo4j \
#     -e MERCATOR_WEB_WORKERS=4 -p 5000:5000 mercator:0.1.0
# Stages: the web catalog's front-end files (npm), helm for the Helm engine (built with Go,
# as scripts/ensure-helm does), the wheel, then a slim runtime with only what runs.

FROM node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/build.mjs ./
RUN npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

FROM golang:1.25-bookworm AS helm
RUN CGO_ENABLED=0 GOBIN=/out go install \
      -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v3.22.0" \
      helm.sh/helm/v3/cmd/helm@v3.22.0

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
RUN pip install --no-cache-dir "hatchling>=1.25" build
COPY pyproject.toml README.md LICENSE ./
COPY app ./app
COPY cypher ./cypher
COPY neo4j ./neo4j
COPY --from=web /src/app/web/static/vendor ./app/web/static/vendor
RUN python -m build --wheel --no-isolation --outdir /dist

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MERCATOR_LOG_FORMAT=json \
    MERCATOR_PORT=5000 \
    MERCATOR_WEB_WORKERS=2 \
    MERCATOR_WEB_THREADS=4
COPY --from=wheel /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl \
 && groupadd --system --gid 10001 mercator \
 && useradd --system --uid 10001 --gid mercator --home-dir /srv/mercator --create-home mercator
COPY --from=helm /out/helm /usr/local/bin/helm
COPY deploy/docker/entrypoint.sh /usr/local/bin/mercator-entrypoint
WORKDIR /srv/mercator
USER 10001:10001
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MERCATOR_PORT', '5000'), timeout=2)"]
ENTRYPOINT ["mercator-entrypoint"]
CMD ["serve"]
