from django.urls import path

from .pages import PlacePage
from .views import WeatherCurrentView, WeatherForecastView

urlpatterns = [
    path("current", WeatherCurrentView.as_view(), name="current"),
    path("forecast", WeatherForecastView.as_view(), name="forecast"),
    path("place", PlacePage.as_view(), name="place"),
]
