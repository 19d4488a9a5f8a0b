from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from gateway.api import ErrorSerializer, PluginAPIView

from . import selectors
from .links import place_link
from .regions import region_code
from .serializers import (
    WeatherCurrentSerializer,
    WeatherForecastQuerySerializer,
    WeatherForecastSerializer,
    WeatherQuerySerializer,
)

ERRORS = {
    status: OpenApiResponse(ErrorSerializer, description=description)
    for status, description in {
        400: "Bad parameter, or no place given (ask the user where).",
        404: "No such place: check the spelling or add a country.",
        502: "The weather service failed or refused the gateway's key.",
        503: "The weather service is rate-limiting; retry after Retry-After seconds.",
        504: "The weather service did not answer in time; try again later.",
    }.items()
}


def ask_where(request, query: dict) -> selectors.Where:
    return selectors.where_resolve(
        place=query.get("place"), lat=query.get("lat"), lon=query.get("lon"), region=region_code(request)
    )


class WeatherCurrentView(PluginAPIView):
    @extend_schema(
        operation_id="getCurrentWeather",
        parameters=[WeatherQuerySerializer],
        responses={200: WeatherCurrentSerializer, **ERRORS},
    )
    def get(self, request):
        """Get the weather now at a place (name or lat/lon; none: the user's region). Say the place and local time."""
        serializer = WeatherQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        where = ask_where(request, query)
        answer = selectors.weather_current(where=where, units=query["units"])
        return Response({**answer, "link": place_link(request, where=where, units=query["units"])})


class WeatherForecastView(PluginAPIView):
    @extend_schema(
        operation_id="getForecast",
        parameters=[WeatherForecastQuerySerializer],
        responses={200: WeatherForecastSerializer, **ERRORS},
    )
    def get(self, request):
        """Get a daily forecast for 1-5 days from today (days=2 covers tomorrow), optionally 3-hourly steps."""
        serializer = WeatherForecastQuerySerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        where = ask_where(request, query)
        answer = selectors.weather_forecast(
            where=where, units=query["units"], days=query["days"], hourly=query["hourly"]
        )
        return Response({**answer, "link": place_link(request, where=where, units=query["units"])})
