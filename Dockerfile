# The production image: the installed wheel, no checkout. Configure it with EVENTS_* variables.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md hatch_build.py ./
COPY src ./src
COPY templates ./templates
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
# pg_dump and pg_restore, for `events backup` and `events restore` of the PostgreSQL database.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 events && mkdir -p /data && chown events /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER events
WORKDIR /home/events
ENV EVENTS_DATA_DIR=/data \
    EVENTS_STORAGE_DIR=/data/files \
    EVENTS_HOST=0.0.0.0 \
    EVENTS_PORT=8000 \
    EVENTS_WORKERS=2
EXPOSE 8000
VOLUME ["/data"]
# Migrations are applied on every start; they are idempotent.
CMD ["sh", "-c", "events db upgrade && events serve"]
