from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .manifest import manifest_build, plugin_host_base_url, plugin_url
from .schema import schema_document
from .selectors import plugin_list

SCHEMA_CONTENT_TYPES = {"json": "application/json", "yaml": "application/yaml; charset=utf-8"}


@require_safe
def manifest(request):
    return JsonResponse(manifest_build(request, request.plugin))


@require_safe
def openapi(request, fmt: str):
    document = schema_document(request, request.plugin, fmt)
    return HttpResponse(document, content_type=SCHEMA_CONTENT_TYPES[fmt])


@require_safe
def logo(request):
    path = finders.find(request.plugin.config.logo)
    if path is None:
        raise Http404("This plugin has no logo.")
    response = FileResponse(open(path, "rb"), content_type="image/png")  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def base(request):
    """Answer at the plugin's base with where to find its manifest and spec."""
    plugin = request.plugin
    return JsonResponse(
        {
            "plugin": plugin.slug,
            "manifest": plugin_url(request, plugin, "manifest"),
            "openapi": plugin_url(request, plugin, "openapi-yaml"),
        }
    )


@require_safe
def legal(request):
    return render(request, "gateway/legal.html", {"plugin": request.plugin})


@require_safe
def home(request):
    plugins = [
        {
            "plugin": plugin,
            "path_base": plugin_url(request, plugin, "base"),
            "manifest": plugin_url(request, plugin, "manifest"),
            "openapi": plugin_url(request, plugin, "openapi-yaml"),
            "action_spec": plugin_url(request, plugin, "openapi-json"),
            "mcp": plugin_url(request, plugin, "mcp"),
            "host_base": plugin_host_base_url(
                scheme=request.scheme, port=split_domain_port(request.get_host())[1], plugin=plugin
            ),
        }
        for plugin in plugin_list()
        if plugin.enabled
    ]
    return render(request, "gateway/home.html", {"plugins": plugins})
