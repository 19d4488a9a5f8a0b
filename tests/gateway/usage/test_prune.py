"""usage_prune deletes old rows only, in batches, with a retention from the option, setting or default."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from gateway.usage.models import Call

pytestmark = pytest.mark.django_db


def ages(make_call, *days):
    for day in days:
        make_call(age=timedelta(days=day, minutes=1))


def remaining_ages() -> list[int]:
    now = timezone.now()
    return sorted(
        round((now - created) / timedelta(days=1)) for created in Call.objects.values_list("created_at", flat=True)
    )


def test_default_keeps_30_days(make_call, capsys):
    ages(make_call, 0, 29, 31, 45, 400)
    call_command("usage_prune")
    assert Call.objects.count() == 2
    assert "Deleted 3 API call(s)" in capsys.readouterr().out


def test_days_option_and_small_batches(make_call):
    ages(make_call, 0, 1, 6, 8, 9, 10, 11, 12)
    call_command("usage_prune", "--days", "7", "--batch-size", "2")
    assert remaining_ages() == [0, 1, 6]


def test_retention_from_the_setting(make_call, settings):
    settings.GATEWAY_USAGE_RETENTION_DAYS = 3
    ages(make_call, 0, 2, 4)
    call_command("usage_prune")
    assert remaining_ages() == [0, 2]


@pytest.mark.parametrize("arguments", [["--days", "-1"], ["--batch-size", "0"]])
def test_bad_arguments_change_nothing(make_call, arguments):
    ages(make_call, 100)
    with pytest.raises(CommandError):
        call_command("usage_prune", *arguments)
    assert Call.objects.count() == 1
