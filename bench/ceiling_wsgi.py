"""Stripped-down apps that show what the stack itself costs under gunicorn, before any gateway code.

For measurement only, through bench/run.sh, one rung at a time (bench/RESULTS.md, "The ceiling"):

    BENCH_WSGI_APP=bench.ceiling_wsgi:application BENCH_CEILING=drf BENCH_ENDPOINTS=todos_get bash bench/run.sh

Every rung answers every path (so run.sh's readiness probe and seeding work) with the body the
todo list answers for five items:
  wsgi     a bare WSGI callable: gunicorn's own cost per request (accept, parse, write, close)
  django   Django with no middleware, a plain function view returning JsonResponse
  drf      + a DRF APIView (no authentication, no throttles, the JSON renderer only)
  drf_db   + one indexed query on the todo table of the bench database (DATABASE_URL) over a
           persistent connection, as the todo list's own query (it finds no rows: run.sh's seeding
           POSTs reach this app, not the todo list; five short rows more cost next to nothing)
"""

import json
import os

RUNG = os.environ.get("BENCH_CEILING", "wsgi")
BODY = {"todos": [f"Seeded todo {i}" for i in range(1, 6)]}


def wsgi_application(environ, start_response):
    body = json.dumps(BODY).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def django_application():
    import dj_database_url
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ["DJANGO_SECRET_KEY"],
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        MIDDLEWARE=[],
        DATABASES={"default": dj_database_url.config(env="DATABASE_URL", conn_max_age=60)},
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        },
    )
    django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def todos() -> dict:
    if RUNG != "drf_db":
        return BODY
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM todo_todo WHERE username = %s ORDER BY id LIMIT 5", ["benchreader"])
        return {"todos": [row[0] for row in cursor.fetchall()]}


if RUNG == "wsgi":
    application = wsgi_application
else:
    application = django_application()

    from django.http import JsonResponse
    from django.urls import re_path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    def plain(request):
        return JsonResponse(todos())

    class TodoList(APIView):
        def get(self, request):
            return Response(todos())

        def post(self, request):
            return Response(todos())

    urlpatterns = [re_path(r"", plain if RUNG == "django" else TodoList.as_view())]
