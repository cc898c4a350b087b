FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 app
COPY . .
RUN pip install --no-cache-dir -c constraints.txt . \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0
USER app
EXPOSE 8000
CMD ["gunicorn", "alwaysevents.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
