from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from gateway.usage.models import Call


@pytest.fixture(autouse=True)
def _recording_on(settings):
    """Record API calls (tests/settings.py turns recording off for the rest of the suite)."""
    settings.GATEWAY_USAGE_ENABLED = True


@pytest.fixture
def make_call(db) -> Callable[..., Call]:
    """Return a callable that stores one usage row, `age` before now, with keyword overrides."""

    def make(*, age: timedelta = timedelta(0), **fields) -> Call:
        values = {
            "plugin": "todo",
            "operation": "getTodos",
            "client": "http",
            "status": 200,
            "duration_ms": 10.0,
            "credential": "none",
            **fields,
        }
        values.setdefault("is_error", values["status"] >= 400)
        return Call.objects.create(created_at=timezone.now() - age, **values)

    return make
