"""A test-only plugin urlconf that breaks the plugin contract every way the system checks look for."""

from django.http import HttpResponse
from django.urls import include, path
from django.views import View
from rest_framework.generics import ListAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api import PluginAPIView, PluginGenericAPIView, PublicPluginPage


def plain_page(request):
    return HttpResponse("public whatever the auth mode says")


class PlainDjangoView(View):
    def get(self, request):
        return HttpResponse("no auth, no throttle, no cap")


class PlainAPIView(APIView):
    def get(self, request):
        return Response({"ok": True})


class OnContract(PluginAPIView):
    def get(self, request):
        return Response({"ok": True})


class PlainList(ListAPIView):
    queryset = []


class ContractList(ListModelMixin, PluginGenericAPIView):
    queryset = []

    def get(self, request):
        return self.list(request)


class MarkedPublic(PublicPluginPage):
    """Public on purpose (a test)."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("plain", plain_page, name="plain"),
    path("django", PlainDjangoView.as_view(), name="django"),
    path("nested/", include([path("drf", PlainAPIView.as_view(), name="drf")])),
    path("list", PlainList.as_view(), name="list"),
    path("fine", OnContract.as_view(), name="fine"),
    path("fine-list", ContractList.as_view(), name="fine-list"),
    path("public", MarkedPublic.as_view(), name="public"),
    path("logo.png", OnContract.as_view(), name="my-logo"),
    path("mine", OnContract.as_view(), name="token"),
    path(".well-known/my-thing", OnContract.as_view(), name="thing"),
    path("oauth/callback", OnContract.as_view(), name="callback"),
]
