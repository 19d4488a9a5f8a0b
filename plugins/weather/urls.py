from django.urls import path

from .pages import place_page
from .views import WeatherCurrentView, WeatherForecastView

urlpatterns = [
    path("current", WeatherCurrentView.as_view(), name="current"),
    path("forecast", WeatherForecastView.as_view(), name="forecast"),
    path("place", place_page, name="place"),
]
