"""Production: everything from the environment; refuse to start without the essentials.

`python manage.py check --deploy --settings=gateway.settings.production` is clean with the
defaults below (tests/gateway/ops/test_production_settings.py runs it).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

for required in ("DJANGO_SECRET_KEY", "DATABASE_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production.")

# HTTPS only. Behind a proxy that terminates TLS, GATEWAY_TRUST_PROXY=1 makes Django read its
# X-Forwarded-Proto (base settings), so the redirect fires only for plain-HTTP clients. Turn the
# redirect off (GATEWAY_SSL_REDIRECT=0) only where the proxy itself redirects or for local HTTP runs.
SECURE_SSL_REDIRECT = env_bool("GATEWAY_SSL_REDIRECT", True)
# Health probes and the metrics scraper come over plain HTTP from inside the host or container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS: an hour by default, so a first deployment can still back out of HTTPS; raise it to a year
# (31536000) once HTTPS works for the gateway host and every plugin subdomain.
SECURE_HSTS_SECONDS = int(os.environ.get("GATEWAY_HSTS_SECONDS", "3600"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GATEWAY_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("GATEWAY_HSTS_PRELOAD", False)
# Preloading is a commitment browsers keep for months: an operator's decision, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Nothing of django-oauth-toolkit's RFC 9700 checks (oauth2_provider.W00x) is silenced: base settings comply.
