# Image of the "Solidaires et partenaires" portal: one image for the web process (gunicorn), the
# Celery worker and Celery beat (see docker-compose.yml). TLS is terminated by a reverse proxy.

# --- Build stage: a virtualenv with the portal and its runtime dependencies (no dev extras). ---
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN pip install .
# Then the project itself, without resolving the dependencies again.
COPY . .
RUN pip install --no-deps --force-reinstall .

# --- Runtime stage. ---
FROM python:3.11-slim

# PYTHONPATH: the source tree in /app (templates, static files, locale) wins over the copy
# installed in the virtualenv, which holds the Python modules only; gunicorn, celery and
# manage.py then all import the same code.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=False \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    MEDIA_ROOT=/var/lib/portail/media

# Unprivileged account. Only /var/lib/portail (uploads, beat schedule) is writable by it; a named
# volume mounted there starts with this ownership.
RUN groupadd --system --gid 10001 portail \
    && useradd --system --uid 10001 --gid portail --home-dir /var/lib/portail \
        --no-create-home --shell /usr/sbin/nologin portail \
    && mkdir -p /var/lib/portail/media \
    && chown -R portail:portail /var/lib/portail

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Code and collected static files stay owned by root: read-only for the portal.
COPY . .
# With DEBUG off the settings refuse to load without a real key: a throwaway one, for this step
# only (it is never stored in the image's environment).
RUN SECRET_KEY=build-only-collectstatic-key-never-used-at-runtime-0123456789abcdef \
    python manage.py collectstatic --noinput

USER portail:portail

EXPOSE 8000

# No curl in the slim image. /sante/ is exempt from the HTTPS redirect; it answers 503 (an error
# for urlopen) when the database is down, 200 "dégradé" when only the broker is (pages are still
# served, e-mails wait in the outbox). Worker and beat override this check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sante/', timeout=4)"]

CMD ["gunicorn", "portail.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
