"""The usage pages in admin: numbers and bars that match the rows, staff only, constant query count."""

import re
import statistics
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import TruncHour
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gateway.usage.models import Call

pytestmark = pytest.mark.django_db
OVERVIEW = "/admin/usage/call/"
TODO_PAGE = "/admin/usage/call/plugin/todo/"


def cell(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


def svg(page: str, element_id: str) -> str:
    return re.search(rf'<svg id="{element_id}".*?</svg>', page, re.S).group(0)


@pytest.fixture
def usage_rows(make_call):
    """Calls spread over the last 40 days, with known latencies, errors, users and one other plugin."""
    ages_in_hours = [0, 0, 1, 3, 3, 3, 20, 30, 47, 60, 24 * 10, 24 * 40]
    for index, hours in enumerate(ages_in_hours):
        make_call(
            age=timedelta(hours=hours, minutes=1),
            duration_ms=float(5 + 7 * index),
            status=404 if index % 4 == 0 else 200,
            user_id=index % 3 or None,
            operation="addTodo" if index % 2 else "getTodos",
        )
    make_call(plugin="weather", age=timedelta(hours=2))


def test_plugin_page_numbers_match_the_rows(admin_client, usage_rows):
    page = admin_client.get(TODO_PAGE + "?since=7d").content.decode()
    in_range = Call.objects.filter(
        plugin="todo", created_at__gte=Call.objects.latest("created_at").created_at - timedelta(days=7)
    )
    durations = sorted(in_range.values_list("duration_ms", flat=True))
    assert len(durations) == 10
    assert cell(page, "usage-calls") == "10"
    assert cell(page, "usage-p50") == f"{statistics.median(durations):.1f} ms"
    p95 = statistics.quantiles(durations, n=20, method="inclusive")[-1]
    assert cell(page, "usage-p95") == f"{p95:.1f} ms"
    errors = in_range.filter(is_error=True).count()
    assert cell(page, "usage-error-rate") == f"{100 * errors / 10:.1f} %"
    assert cell(page, "usage-users") == "2"


def test_the_charts_have_one_bar_per_hour_and_day_with_calls(admin_client, usage_rows):
    page = admin_client.get(TODO_PAGE).content.decode()
    todo = Call.objects.filter(plugin="todo")
    now = timezone.now()  # the page's windows end with the current hour and day
    hours = {row.created_at.replace(minute=0, second=0, microsecond=0) for row in todo}
    current_hour = now.replace(minute=0, second=0, microsecond=0)
    expected_hours = {hour for hour in hours if current_hour - hour < timedelta(hours=48)}
    assert svg(page, "usage-hourly").count('class="bar"') == len(expected_hours)
    days = {row.created_at.date() for row in todo}
    expected_days = {day for day in days if (now.date() - day).days < 30}
    assert svg(page, "usage-daily").count('class="bar"') == len(expected_days)
    assert 'class="bar-errors"' in svg(page, "usage-hourly")
    assert "<script" not in page.split('id="content-main"')[1]
    # The bucketing the page uses agrees with the database's own.
    assert len(set(todo.annotate(hour=TruncHour("created_at")).values_list("hour", flat=True))) == len(hours)


def test_the_range_filter_and_top_operations(admin_client, usage_rows):
    page = admin_client.get(TODO_PAGE + "?since=24h").content.decode()
    assert cell(page, "usage-calls") == "7"
    operations = re.findall(r"<tr><td>(\w+)</td><td>http</td><td>(\d+)</td>", page)
    assert operations == [("getTodos", "4"), ("addTodo", "3")]
    assert cell(admin_client.get(TODO_PAGE + "?since=30d").content.decode(), "usage-calls") == "11"
    assert cell(admin_client.get(TODO_PAGE + "?since=bogus").content.decode(), "usage-calls") == "10"


def test_overview_lists_every_plugin_with_its_calls(admin_client, usage_rows):
    page = admin_client.get(OVERVIEW + "?since=24h").content.decode()
    counts = dict(
        re.findall(r'<a href="/admin/usage/call/plugin/(\w+)/\?since=24h">\1</a></td><td class="calls">(\d+)', page)
    )
    assert counts == {"todo": "7", "sportstats": "0", "weather": "1", "echo": "0"}  # echo: the test-only plugin


def test_an_empty_plugin_page_renders(admin_client, db):
    page = admin_client.get("/admin/usage/call/plugin/weather/").content.decode()
    assert cell(page, "usage-calls") == "0"
    assert cell(page, "usage-p50") == "–"
    assert 'class="bar"' not in page


@pytest.mark.parametrize("url", [OVERVIEW, TODO_PAGE])
def test_query_count_does_not_grow_with_rows(admin_client, make_call, url):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    make_call(age=timedelta(hours=1))
    few = queries()
    for hours in range(200):
        make_call(age=timedelta(hours=hours % 70, minutes=hours), operation=f"op{hours % 15}", user_id=hours)
    assert queries() == few


@pytest.mark.parametrize("url", [OVERVIEW, TODO_PAGE])
def test_staff_only(client, url):
    assert client.get(url).status_code == 302  # to the admin login
    get_user_model().objects.create_user("ann", password="pw")
    client.login(username="ann", password="pw")
    assert client.get(url).status_code == 302
    get_user_model().objects.filter(username="ann").update(is_staff=True)
    assert client.get(url).status_code == 403  # staff without the view permission on API calls


def test_rows_cannot_be_added_or_edited(admin_client, make_call):
    call = make_call()
    assert admin_client.get("/admin/usage/call/add/").status_code == 403
    assert admin_client.post(f"/admin/usage/call/{call.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Call.objects.filter(pk=call.pk).exists()


@pytest.mark.parametrize(
    ("url", "trail", "heading"),
    [
        (OVERVIEW, "Home › Usage › API calls", "API calls by plugin"),
        (TODO_PAGE + "?since=24h", "Home › Usage › API calls › TODO List", "API calls to TODO List"),
    ],
)
def test_breadcrumbs_name_each_step_once(admin_client, url, trail, heading):
    page = admin_client.get(url).content.decode()
    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", breadcrumbs).replace("&rsaquo;", "›").split()) == trail
    links = re.findall(r'href="([^"]+)"', breadcrumbs)
    assert links[:2] == ["/admin/", "/admin/usage/"]
    assert links[2:] == ([] if url == OVERVIEW else ["/admin/usage/call/?since=24h"])
    assert f"<h1>{heading}</h1>" in page
