import pytest


@pytest.mark.parametrize("model", ["team", "player", "game", "stat"])
def test_admin_lists_label_demo_rows(admin_client, league, model):
    response = admin_client.get(f"/admin/sportstats/{model}/")
    assert response.status_code == 200
    assert b"Is demo" in response.content


def test_admin_settings_row_can_be_added_once(admin_client, db):
    assert admin_client.get("/admin/sportstats/sportstatssettings/add/").status_code == 200
    response = admin_client.post(
        "/admin/sportstats/sportstatssettings/add/", {"source": "database", "upstream_url": "", "upstream_key": ""}
    )
    assert response.status_code == 302
    assert admin_client.get("/admin/sportstats/sportstatssettings/add/").status_code == 403
