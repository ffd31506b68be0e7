# Ruche in one container: SQLite and the search index live in the /data volume.
#   docker build -t ruche .
#   docker run -p 8000:8000 -v ruche-data:/data ruche
#   docker run --rm -v ruche-data:/data ruche ruche demo        (optional demo community)
# For PostgreSQL and Redis pass RUCHE_DATABASE_URL and RUCHE_REDIS_URL (README, "Settings").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RUCHE_DATA_DIR=/data

WORKDIR /app
RUN groupadd --system ruche \
    && useradd --system --gid ruche --home-dir /app --no-create-home --shell /usr/sbin/nologin ruche \
    && mkdir -p /data \
    && chown ruche:ruche /data

COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
COPY frontend/ frontend/
# Editable install: the app finds migrations/, alembic.ini and frontend/ beside its package in /app.
RUN pip install -e .

USER ruche
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["ruche", "serve", "--host", "0.0.0.0"]
