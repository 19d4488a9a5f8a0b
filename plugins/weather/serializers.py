from rest_framework import serializers

from gateway.api import StrictCharField

PLACE_MAX_LENGTH = 100
UNITS_CHOICES = ["metric", "imperial", "standard"]


class WeatherQuerySerializer(serializers.Serializer):
    """Where and in which units: a place name, or lat and lon together."""

    place = StrictCharField(
        required=False,
        min_length=2,
        max_length=PLACE_MAX_LENGTH,
        help_text='City, optionally with a country: "Lisbon" or "Lisbon, PT". Omit for lat/lon or the user\'s region.',
    )
    lat = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Latitude, -90 to 90 (with lon)."
    )
    lon = serializers.FloatField(
        required=False, min_value=-180, max_value=180, help_text="Longitude, -180 to 180 (with lat)."
    )
    units = serializers.ChoiceField(
        choices=UNITS_CHOICES,
        default="metric",
        help_text="metric (°C, km/h, mm; default), imperial (°F, mph, in) or standard (K, m/s, mm).",
    )

    def validate(self, attrs):
        has_lat, has_lon = "lat" in attrs, "lon" in attrs
        if has_lat != has_lon:
            raise serializers.ValidationError({"lon" if has_lat else "lat": "Give lat and lon together."})
        if has_lat and "place" in attrs:
            raise serializers.ValidationError({"place": "Give either place or lat/lon, not both."})
        return attrs


class WeatherForecastQuerySerializer(WeatherQuerySerializer):
    days = serializers.IntegerField(
        required=False, default=5, min_value=1, max_value=5, help_text="Days to summarise, 1 (today) to 5; default 5."
    )
    hourly = serializers.BooleanField(
        required=False, default=False, help_text="Also list 3-hourly steps for those days (default false)."
    )


class WeatherPlaceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The place the answer is for (coordinates when it has no name).")
    country = serializers.CharField(allow_null=True, help_text="ISO 3166-1 alpha-2 country code, e.g. PT.")
    region = serializers.CharField(allow_null=True, help_text="State or province, when known.")
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class WeatherUnitsSerializer(serializers.Serializer):
    temperature = serializers.CharField(help_text="°C, °F or K.")
    wind_speed = serializers.CharField(help_text="km/h, mph or m/s.")
    precipitation = serializers.CharField(help_text="mm or in.")


class WeatherStepFields(serializers.Serializer):
    temperature = serializers.FloatField(allow_null=True)
    feels_like = serializers.FloatField(allow_null=True)
    conditions = serializers.CharField(allow_null=True, help_text='In words, e.g. "light rain".')
    humidity = serializers.IntegerField(allow_null=True, help_text="Relative humidity, %.")
    wind_speed = serializers.FloatField(allow_null=True)
    wind_direction = serializers.IntegerField(allow_null=True, help_text="Degrees the wind comes from (0 = north).")
    precipitation = serializers.FloatField(allow_null=True, help_text="Over the last hour (current) or step.")


class WeatherNowSerializer(WeatherStepFields):
    observed_at = serializers.CharField(help_text="Local time of the observation, ISO 8601 with UTC offset.")


class WeatherStepSerializer(WeatherStepFields):
    time = serializers.CharField(help_text="Local start of the 3-hour step, ISO 8601 with UTC offset.")
    precipitation_probability = serializers.IntegerField(allow_null=True, help_text="%.")


class WeatherDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Local date.")
    temperature_min = serializers.FloatField(allow_null=True)
    temperature_max = serializers.FloatField(allow_null=True)
    conditions = serializers.CharField(allow_null=True)
    precipitation = serializers.FloatField(allow_null=True, help_text="Total for the day.")
    precipitation_probability = serializers.IntegerField(allow_null=True, help_text="Highest of the day, %.")
    wind_speed_max = serializers.FloatField(allow_null=True)


class WeatherAnswerFields(serializers.Serializer):
    place = WeatherPlaceSerializer()
    local_time = serializers.CharField(help_text="Local time at the place when answered, ISO 8601 with UTC offset.")
    units = WeatherUnitsSerializer()
    provider = serializers.ChoiceField(choices=["openmeteo", "openweather"], help_text="Which service answered.")
    note = serializers.CharField(allow_null=True, help_text="Set when the place came from the user's region.")
    link = serializers.URLField(help_text="A page about this place's weather (with a preview).")


class WeatherCurrentSerializer(WeatherAnswerFields):
    current = WeatherNowSerializer()


class WeatherForecastSerializer(WeatherAnswerFields):
    days = WeatherDaySerializer(many=True)
    hourly = WeatherStepSerializer(many=True, allow_null=True, help_text="3-hourly steps when hourly=true, else null.")
