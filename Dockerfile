# The gateway image: granian (serve.py) + production settings; PostgreSQL comes from DATABASE_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=gateway.settings.production \
    PORT=8000

WORKDIR /app
COPY . /app
# `pip install .` brings the dependencies; the code itself runs from /app (the working directory
# comes first on sys.path), where templates/ and the collected static files live next to it.
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home gateway

# Static files are collected once, into the image; WhiteNoise serves them. Production settings
# refuse to load without a secret key and a database URL, so this step gets throwaway ones
# (collectstatic touches neither).
RUN DJANGO_SECRET_KEY=collectstatic-build-only DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    python manage.py collectstatic --no-input

USER gateway
EXPOSE 8000
# Migrations run on every start (a no-op when there are none), then the server replaces the shell so
# it receives the container's stop signal. Workers, port and timeouts: serve.py.
CMD ["sh", "-c", "python manage.py migrate --no-input && exec python serve.py"]
