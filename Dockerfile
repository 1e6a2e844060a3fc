# Trifecta as a slim image: dependencies are built in one stage and copied into a final
# stage that has no compiler, no pip cache and runs as an unprivileged user.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml README.md LICENSE ./
COPY server ./server
# an editable install: the code stays in /app (it serves static/ and session_templates/
# from beside the package), the virtual environment holds only the dependencies
RUN /opt/venv/bin/pip install -e .

FROM python:3.11-slim-bookworm
# Pango and a font for the brief's PDF (WeasyPrint); curl-free health check uses Python
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --create-home trifecta
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY server ./server
COPY static ./static
COPY session_templates ./session_templates
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRIFECTA_HOST=0.0.0.0 \
    TRIFECTA_PORT=8000 \
    TRIFECTA_DATABASE_URL=sqlite:////data/trifecta.db
USER trifecta
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["trifecta", "serve"]
