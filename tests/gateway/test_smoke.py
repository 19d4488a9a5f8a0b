def test_manifest_served_in_path_mode(client, db):
    response = client.get("/plugins/todo/.well-known/ai-plugin.json")
    assert response.status_code == 200
    assert response.json()["name_for_model"] == "todo"
