# The service's image, for `make up` (docker-compose.yml) and production. BASE_IMAGE is any Debian image with a
# Python >= 3.12 that has venv: the default comes from Docker Hub; where no image registry is reachable,
# docker/build-base-image.sh builds one from Debian's packages (Debian 13, Python 3.13) and
# scripts/check-make-up.sh passes it in (docs/docker.md).
ARG BASE_IMAGE=python:3.12-slim-bookworm
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH DEBIAN_FRONTEND=noninteractive
# Pango, HarfBuzz and a font for WeasyPrint's PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 app \
    && python3 -c 'import sys; assert sys.version_info >= (3, 12), f"Python {sys.version} is older than 3.12"' \
    && python3 -m venv /opt/venv
WORKDIR /app
# The dependencies first, in a layer of their own, so that changing the code does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
COPY . .
# VAR_DIR (/app/var) holds the report files: the web and the worker share it as a volume, owned by app.
RUN pip install --no-cache-dir --no-deps . \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /app/var && chown app:app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "alwaysevents.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
