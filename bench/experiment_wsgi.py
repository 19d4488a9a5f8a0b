"""The production WSGI app with the gateway changes bench/RESULTS.md measures switched on by env.

For measurement only (`BENCH_WSGI_APP=bench.experiment_wsgi:application bash bench/run.sh`). Both
are now settings of the gateway itself: DJANGO_CONN_HEALTH_CHECKS=0, and the plugin-row cache in
the shared cache (REDIS_URL; gateway/ops/plugincache.py); these switches give the in-process bound.
  BENCH_NO_HEALTH_CHECKS=1  skip Django's per-request `SELECT 1` on a reused connection.
  BENCH_CACHE_PLUGIN_ROW=1  look a plugin's settings row up once per process instead of per request
                            (stale after an admin edit: the real change needs invalidation).
"""

import functools
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings.production")

application = get_wsgi_application()

if os.environ.get("BENCH_NO_HEALTH_CHECKS"):
    # Read by each connection when it opens, so changing it before the first request is enough.
    settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

if os.environ.get("BENCH_CACHE_PLUGIN_ROW"):
    from gateway import hosting

    hosting.plugin_for_slug = functools.lru_cache(maxsize=64)(hosting.plugin_for_slug)
