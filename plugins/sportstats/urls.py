from django.urls import path

from . import views

urlpatterns = [
    path("players", views.PlayerListView.as_view(), name="players"),
    path("players/<int:id>", views.PlayerShowView.as_view(), name="player"),
    path("teams", views.TeamListView.as_view(), name="teams"),
    path("teams/<int:id>", views.TeamShowView.as_view(), name="team"),
    path("games", views.GameListView.as_view(), name="games"),
    path("games/<int:id>", views.GameShowView.as_view(), name="game"),
    path("stats", views.StatListView.as_view(), name="stats"),
    path("season_averages", views.SeasonAverageView.as_view(), name="season_averages"),
]
