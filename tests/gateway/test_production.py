"""Production entry point: `python serve.py` (granian) with only environment variables set."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Each test starts Python or the server in a subprocess.
pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra) -> dict:
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return {**keep, **extra}


def database_url() -> str:
    """The test database, as the DATABASE_URL a deployment would be given."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=production_env(DJANGO_SETTINGS_MODULE="gateway.settings.production", DATABASE_URL="postgres://x/y"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_server_serves_plugins_and_admin_static_files(tmp_path):
    port = free_port()
    env = production_env(
        HOST="127.0.0.1",
        PORT=str(port),
        SERVER_WORKERS="2",
        DJANGO_SECRET_KEY="a-production-secret-for-this-test-only-0123456789",
        DATABASE_URL=database_url(),
        GATEWAY_DOMAIN="example.test",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        GATEWAY_SSL_REDIRECT="0",  # plain HTTP to 127.0.0.1, as behind a proxy that redirects itself
    )
    manage = [
        sys.executable,
        "manage.py",
        "collectstatic",
        "--no-input",
        "-v0",
        "--settings=gateway.settings.production",
    ]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "serve.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(headers={"Host": "todo.example.test"}, timeout=10) as http:
            for _ in range(100):
                try:
                    manifest = http.get(f"{base}/.well-known/ai-plugin.json")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            assert manifest.status_code == 200
            assert manifest.json()["api"]["url"] == "http://todo.example.test/openapi.yaml"
            assert http.post(f"{base}/todos/ann", json={"todo": "from the server"}).json()["status"] == "success"
            assert http.get(f"{base}/todos/ann").json() == {"todos": ["from the server"]}
        admin_login = httpx.get(f"{base}/admin/login/", headers={"Host": "example.test"}, timeout=10)
        assert admin_login.status_code == 200
        css = next(
            part.split('"')[0] for part in admin_login.text.split('href="')[1:] if part.startswith("/static/admin/css/")
        )
        assert httpx.get(f"{base}{css}", headers={"Host": "example.test"}, timeout=10).status_code == 200
        debug_page = httpx.get(f"{base}/plugins/nosuch/", headers={"Host": "example.test"}, timeout=10)
        assert debug_page.status_code == 404 and "Traceback" not in debug_page.text
    finally:
        server.terminate()
        server.wait(timeout=10)
