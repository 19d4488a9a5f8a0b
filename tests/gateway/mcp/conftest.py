import pytest

from tests.gateway.mcp.live import ProductionServer, make_certificates


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A throwaway CA and its certificate for localhost, shared by every server a test session starts."""
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def production_server(transactional_db, certificates, tmp_path):
    """Return a callable that starts the production server (HTTPS with tls=True; extra environment as keywords)."""
    servers = []

    def start(*, tls: bool = False, **env: str) -> ProductionServer:
        log = tmp_path / f"gunicorn-{len(servers)}.log"
        server = ProductionServer(certificates if tls else None, log, **env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
