# The Mercator API, for docker-compose.yml (Neo4j runs in its own container there).
FROM python:3.11-slim

WORKDIR /srv/mercator
COPY pyproject.toml README.md ./
COPY app ./app
COPY cypher ./cypher
COPY neo4j ./neo4j
RUN pip install --no-cache-dir . && useradd --system --home-dir /srv/mercator mercator
USER mercator

ENV MERCATOR_NEO4J_URI=bolt://neo4j:7687
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5000/healthz', timeout=2)"
CMD ["mercator", "serve", "--host", "0.0.0.0", "--port", "5000"]
