"""Thin views: validate the query, answer from the database or the live upstream, serialize."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from gateway.api import ErrorSerializer, PluginAPIView, represent

from . import filters, selectors, serializers
from .models import Game, Player, Team
from .schema import SportsAutoSchema
from .upstream import upstream_fetch, upstream_source

ERRORS = {400: ErrorSerializer, 502: ErrorSerializer, 503: ErrorSerializer, 504: ErrorSerializer}
SHOW_ERRORS = {**ERRORS, 404: ErrorSerializer}
AVERAGE_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="No player_ids, or a bad parameter: the message names it."),
}


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def demo_labelled(body: dict) -> dict:
    """Add `meta.demo: true` to a database answer while the data is the fictional demo league."""
    if selectors.demo_present():
        body["meta"] = {**body.get("meta", {}), "demo": True}
    return body


class SportsView(PluginAPIView):
    """The plugin's view base: upstream failures logged once; descriptions that say when the data is a demo."""

    schema = SportsAutoSchema()


class ListView(SportsView):
    """A paginated list: `path` upstream, `select` + `output` from the database."""

    path = ""
    filter_class = filters.SportsPageFilter
    output = serializers.SportsTeamSerializer

    def select(self, **filters):
        raise NotImplementedError

    def get(self, request):
        params = validated(self.filter_class, request)
        upstream = upstream_source()
        if upstream is not None:
            return Response(upstream_fetch(upstream, self.path, params))
        page, per_page = params.pop("page"), params.pop("per_page")
        rows, meta = selectors.page_slice(self.select(**params), page=page, per_page=per_page)
        return Response(demo_labelled({"data": represent(self.output, rows), "meta": meta}))


class ShowView(SportsView):
    """One object by id: bare, as v1 answers; 404 JSON when unknown."""

    path = ""
    model = Team
    related: tuple[str, ...] = ()
    output = serializers.SportsTeamSerializer

    def get(self, request, id):
        upstream = upstream_source()
        if upstream is not None:
            return Response(upstream_fetch(upstream, f"{self.path}/{id}"))
        found = self.model.objects.select_related(*self.related).filter(pk=id).first() if id <= filters.MAX_ID else None
        if found is None:
            raise NotFound(f"No {self.model._meta.verbose_name} has id {id}.")
        return Response(demo_labelled(represent(self.output, [found])[0]))


class PlayerListView(ListView):
    path, filter_class, output = "players", filters.SportsPlayerFilter, serializers.SportsPlayerSerializer

    @extend_schema(
        operation_id="getPlayers",
        parameters=[filters.SportsPlayerFilter],
        responses={200: serializers.SportsPlayerListSerializer, **ERRORS},
    )
    def get(self, request):
        """Find players by name (ids for getStats, getSeasonAverages). Display results using markdown tables."""
        return super().get(request)

    def select(self, **params):
        return selectors.player_list(**params)


class TeamListView(ListView):
    path, filter_class, output = "teams", filters.SportsTeamFilter, serializers.SportsTeamSerializer

    @extend_schema(
        operation_id="getTeams",
        parameters=[filters.SportsTeamFilter],
        responses={200: serializers.SportsTeamListSerializer, **ERRORS},
    )
    def get(self, request):
        """List NBA teams with their ids (for getGames' team_ids). Display results using markdown tables."""
        return super().get(request)

    def select(self, **params):
        return selectors.team_list()


class GameListView(ListView):
    path, filter_class, output = "games", filters.SportsGameFilter, serializers.SportsGameSerializer

    @extend_schema(
        operation_id="getGames",
        parameters=[filters.SportsGameFilter],
        responses={200: serializers.SportsGameListSerializer, **ERRORS},
    )
    def get(self, request):
        """Get games matching all filters given, by date, with scores. Display results using markdown tables."""
        return super().get(request)

    def select(self, **params):
        return selectors.game_list(**params)


class StatListView(ListView):
    path, filter_class, output = "stats", filters.SportsStatFilter, serializers.SportsStatSerializer

    @extend_schema(
        operation_id="getStats",
        parameters=[filters.SportsStatFilter],
        responses={200: serializers.SportsStatListSerializer, **ERRORS},
    )
    def get(self, request):
        """Get per-game box scores matching all filters given. Display results using markdown tables."""
        return super().get(request)

    def select(self, **params):
        return selectors.stat_list(**params)


class SeasonAverageView(SportsView):
    @extend_schema(
        operation_id="getSeasonAverages",
        parameters=[filters.SportsSeasonAverageFilter],
        responses={200: serializers.SportsSeasonAverageListSerializer, **AVERAGE_ERRORS},
    )
    def get(self, request):
        """Get players' (player_ids required) regular-season per-game averages for one season. Use markdown tables."""
        params = validated(filters.SportsSeasonAverageFilter, request)
        upstream = upstream_source()
        if upstream is not None:
            return Response(upstream_fetch(upstream, "season_averages", params))
        season = params.get("season") or selectors.season_latest()
        data = selectors.season_averages(season=season, player_ids=params["player_ids"]) if season else []
        return Response(demo_labelled({"data": data}))


class PlayerShowView(ShowView):
    path, model, related, output = "players", Player, ("team",), serializers.SportsPlayerSerializer

    @extend_schema(operation_id="getPlayer", responses={200: serializers.SportsPlayerAnswerSerializer, **SHOW_ERRORS})
    def get(self, request, id):
        """Get one player by id, with their team."""
        return super().get(request, id)


class TeamShowView(ShowView):
    path, model, output = "teams", Team, serializers.SportsTeamSerializer

    @extend_schema(operation_id="getTeam", responses={200: serializers.SportsTeamAnswerSerializer, **SHOW_ERRORS})
    def get(self, request, id):
        """Get one team by id."""
        return super().get(request, id)


class GameShowView(ShowView):
    path, model, related, output = "games", Game, ("home_team", "visitor_team"), serializers.SportsGameSerializer

    @extend_schema(operation_id="getGame", responses={200: serializers.SportsGameAnswerSerializer, **SHOW_ERRORS})
    def get(self, request, id):
        """Get one game by id, with both teams and the score."""
        return super().get(request, id)
