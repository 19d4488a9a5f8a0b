from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from gateway.api import PluginAPIView

EchoSerializer = inline_serializer("EchoAnswer", {"echo": serializers.CharField()})


class EchoView(PluginAPIView):
    @extend_schema(operation_id="echo", responses={200: EchoSerializer})
    def get(self, request, word):
        """Echo the word back."""
        return Response({"echo": word})


urlpatterns = [path("echo/<str:word>", EchoView.as_view(), name="echo")]
