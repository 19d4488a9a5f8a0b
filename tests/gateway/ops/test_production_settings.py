"""Production settings pass Django's deploy checks; the admin path moves; big answers are refused."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-this-test-only-0123456789-abcdefghij",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "GATEWAY_DOMAIN": "plugins.example.com",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    keep = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}  # noqa: S108
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**keep, **env}, capture_output=True, text=True, check=False
    )


@pytest.mark.server
@pytest.mark.parametrize("extra", [{}, {"GATEWAY_TRUST_PROXY": "1", "GATEWAY_HSTS_SECONDS": "31536000"}])
def test_check_deploy_is_clean(extra):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=gateway.settings.production",
        **PRODUCTION_ENV,
        **extra,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout
    assert "oauth2_provider" not in result.stderr + result.stdout


@pytest.mark.server
def test_no_oauth2_provider_check_is_silenced():
    """RFC 9700 compliance is checked, not silenced (issue 11)."""
    code = "from django.conf import settings; print(settings.SILENCED_SYSTEM_CHECKS)"
    result = manage("shell", "-c", code, "--settings=gateway.settings.production", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "oauth2_provider" not in result.stdout


@pytest.mark.server
@pytest.mark.parametrize(("preload", "silenced"), [("0", "1 silenced"), ("1", "no issues (0 silenced)")])
def test_the_docs_name_the_one_silenced_check(preload, silenced):
    """HSTS preload (security.W021) is silenced only while it is off, and the docs say so."""
    result = manage(
        "check", "--deploy", "--settings=gateway.settings.production", **PRODUCTION_ENV, GATEWAY_HSTS_PRELOAD=preload
    )
    assert result.returncode == 0, result.stderr
    assert silenced in result.stdout
    for doc in ("docs/security.md", "docs/deployment.md"):
        text = " ".join((ROOT / doc).read_text().split())
        assert "`security.W021` (HSTS preload)" in text
        assert "none of its checks silenced" not in text
        assert "DOT warnings the gateway answers by design are silenced" not in text


@pytest.mark.server
def test_check_deploy_flags_a_disabled_ssl_redirect():
    result = manage(
        "check", "--deploy", "--settings=gateway.settings.production", **PRODUCTION_ENV, GATEWAY_SSL_REDIRECT="0"
    )
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.server
def test_the_admin_path_comes_from_the_environment():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage(
        "shell",
        "-c",
        code,
        "--settings=tests.settings",
        DJANGO_ADMIN_PATH="/ops-console/",
        DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/ops-console/"


@pytest.mark.django_db
def test_the_production_redirect_spares_health_probes_only(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ["^healthz$", "^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/plugins/todo/todos/ann").status_code == 301


@pytest.mark.django_db
def test_an_answer_over_the_limit_is_a_clear_502_and_one_under_it_passes(client, settings):
    settings.GATEWAY_MAX_RESPONSE_CHARS = 1000
    big = client.get("/plugins/echo/echo/" + "a" * 1000)
    assert big.status_code == 502
    assert big.json()["error"]["code"] == "response_too_large"
    assert "1,000" in big.json()["error"]["message"]
    # Characters, not bytes: 600 two-byte characters are 1,200 bytes but well under 1,000 characters.
    accented = client.get("/plugins/echo/echo/" + "é" * 600)
    assert accented.status_code == 200
    # The gateway's own documents are not plugin answers.
    assert client.get("/plugins/echo/openapi.json").status_code == 200


@pytest.mark.django_db
def test_an_mcp_tool_result_over_the_limit_is_an_error_result(client, settings):
    from plugins.todo.models import Todo

    settings.GATEWAY_MAX_RESPONSE_CHARS = 1000
    Todo.objects.bulk_create(Todo(username="ann", text="x" * 200) for _ in range(10))
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "getTodos", "arguments": {"username": "ann"}},
    }
    result = client.post("/plugins/todo/mcp", body, content_type="application/json").json()["result"]
    assert result["isError"] is True
    assert "over the 1,000 an AI platform accepts" in result["content"][0]["text"]
