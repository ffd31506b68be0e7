# syntax=docker/dockerfile:1
# Ruche in one image, installed from its wheel (not from a checkout): the code finds its migrations, templates,
# translations and static files inside the installed package. SQLite and the search index live in the /data volume.
#   docker build -t ruche .
#   docker run -p 8000:8000 -v ruche-data:/data ruche
#   docker run --rm -v ruche-data:/data ruche ruche demo        (optional demo community)
# Production with PostgreSQL, Redis, several workers and the search indexer apart: deploy/docker-compose.yml.

# Stage 1: build Ruche's wheel (pyproject.toml's build backend, in an isolated build environment) and fetch every
# dependency as a wheel beside it, so that the runtime stage installs from local files only and keeps no build
# tool, source tree or pip cache.
FROM python:3.11-slim-trixie AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip wheel --wheel-dir /wheels .

# Stage 2: the runtime, with nothing of the source tree: only the installed wheel and its dependencies.
FROM python:3.11-slim-trixie AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RUCHE_DATA_DIR=/data

# pg_dump and pg_restore, for `ruche backup` and `ruche restore` on PostgreSQL. Debian 13 (trixie, pinned above)
# ships the PostgreSQL 17 client: pg_dump refuses a server newer than itself, hence postgres:17 in
# deploy/docker-compose.yml (tests/test_deploy_files.py keeps the two together).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system ruche \
    && useradd --system --gid ruche --home-dir /app --no-create-home --shell /usr/sbin/nologin ruche \
    && mkdir -p /data \
    && chown ruche:ruche /data

# The wheels are mounted for this step only (BuildKit), not copied: they never become a layer of the image.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels ruche

# An empty working folder (settings also come from a `.env` in the working folder: none here, they come from the
# environment). Nothing is found beside the code, as after any `pip install`.
WORKDIR /app
USER ruche
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["ruche", "serve", "--host", "0.0.0.0"]
