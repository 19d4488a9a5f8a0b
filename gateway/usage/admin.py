"""Usage pages in the admin: an overview of every plugin, and one page per plugin with charts."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from ..selectors import plugin_for_slug, plugin_list
from . import selectors
from .buffer import buffer_enabled, calls_drain
from .charts import bar_chart
from .models import Call

RANGES = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DEFAULT_RANGE = "7d"


def milliseconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} ms"


def percentage(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.1f} %"


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the gateway. The changelist is the usage overview."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.plugin_view)
        return [path("plugin/<slug:slug>/", view, name="usage_call_plugin"), *super().get_urls()]

    def page(self, request, template: str, build, **context) -> TemplateResponse:
        """Render a usage page; `build(now=, since=)` returns its data for the range in ?since=."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        key = request.GET.get("since", DEFAULT_RANGE)
        key = key if key in RANGES else DEFAULT_RANGE
        if buffer_enabled():
            calls_drain()  # the operator sees every call answered so far, not only the drained ones
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "ranges": list(RANGES),
            "range": key,
            **context,
        }
        context.update(build(now=now, since=now - RANGES[key]))
        return TemplateResponse(request, template, context)

    def changelist_view(self, request, extra_context=None):
        def build(*, now, since):
            totals = selectors.call_totals_by_plugin(since=since)
            slugs = [plugin.slug for plugin in plugin_list()]
            slugs += sorted(set(totals) - set(slugs))  # calls of plugins since uninstalled
            rows = []
            for slug in slugs:
                total = totals.get(slug, {"calls": 0, "errors": 0, "avg_ms": None, "users": 0})
                rows.append(
                    {
                        "slug": slug,
                        "url": reverse("admin:usage_call_plugin", args=[slug]),
                        "calls": total["calls"],
                        "error_rate": percentage(total["errors"], total["calls"]),
                        "avg": milliseconds(total["avg_ms"]),
                        "users": total["users"],
                    }
                )
            return {"rows": rows}

        return self.page(request, "usage/overview.html", build, title="API calls by plugin")

    def plugin_view(self, request, slug):
        plugin = plugin_for_slug(slug=slug, enabled_only=False)

        def build(*, now, since):
            summary = selectors.call_summary(plugin=slug, since=since)
            hours_start = selectors.window_start(now=now, unit="hour", count=48)
            days_start = selectors.window_start(now=now, unit="day", count=30)
            hourly = bar_chart(
                counts=selectors.call_counts(plugin=slug, since=hours_start, unit="hour"),
                start=hours_start,
                step=timedelta(hours=1),
                slots=48,
                label=lambda moment: moment.strftime("%H:00"),
                tick_every=6,
            )
            daily = bar_chart(
                counts=selectors.call_counts(plugin=slug, since=days_start, unit="day"),
                start=days_start,
                step=timedelta(days=1),
                slots=30,
                label=lambda moment: moment.strftime("%b %d"),
                tick_every=5,
            )
            operations = [
                {**row, "error_rate": percentage(row["errors"], row["calls"]), "avg": milliseconds(row["avg_ms"])}
                for row in selectors.call_top_operations(plugin=slug, since=since)
            ]
            return {
                "summary": summary,
                "error_rate": percentage(summary["errors"], summary["calls"]),
                "p50": milliseconds(summary["p50"]),
                "p95": milliseconds(summary["p95"]),
                "hourly": hourly,
                "daily": daily,
                "operations": operations,
            }

        name = plugin.display_name if plugin is not None else slug
        return self.page(request, "usage/plugin.html", build, title=f"API calls to {name}", slug=slug, name=name)
