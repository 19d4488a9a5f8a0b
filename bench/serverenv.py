"""The environment every bench gives the production server it starts (gateway.settings.production)."""

import os


def use_production_settings(database_url: str, **extra: str) -> None:
    """Point this process and the servers it starts at production settings on `database_url`, quietly."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE=os.environ.get("BENCH_SETTINGS", "gateway.settings.production"),
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-secret"),
        DJANGO_LOG_LEVEL="WARNING",
        **extra,
    )
