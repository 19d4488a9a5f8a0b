"""Signing in and up on a plugin's pages, with no `next` or a refused one (issue 11 finding 6)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
# (Host header, the plugin's base on that host)
MODES = {"path": ("testserver", "/plugins/todo/"), "host": ("todo.localhost", "/")}
REFUSED_NEXT = ["", "https://evil.example/", "//evil.example/x"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("next_url", REFUSED_NEXT)
def test_sign_in_without_a_usable_next_lands_on_the_plugin(client, mode, next_url):
    host, base = MODES[mode]
    user = get_user_model().objects.create_user("ann", password="ann-password-1")
    response = client.post(
        f"{base}accounts/login/", {"username": "ann", "password": "ann-password-1", "next": next_url}, HTTP_HOST=host
    )
    assert response.status_code == 302
    assert response["Location"] == base
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("next_url", REFUSED_NEXT)
def test_sign_up_signs_the_new_user_in_and_lands_on_the_plugin(client, mode, next_url):
    host, base = MODES[mode]
    form = {"username": "newcomer", "password1": "Xq-long-pass-42", "password2": "Xq-long-pass-42", "next": next_url}
    response = client.post(f"{base}accounts/signup/", form, HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == base
    user = get_user_model().objects.get(username="newcomer")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("mode", MODES)
def test_an_allowed_next_is_still_followed(client, mode):
    host, base = MODES[mode]
    get_user_model().objects.create_user("ann", password="ann-password-1")
    target = f"{base}oauth/authorize?client_id=x"
    response = client.post(
        f"{base}accounts/login/", {"username": "ann", "password": "ann-password-1", "next": target}, HTTP_HOST=host
    )
    assert response.status_code == 302 and response["Location"] == target


def test_the_gateway_own_sign_in_keeps_its_destinations(client):
    get_user_model().objects.create_user("ann", password="ann-password-1")
    response = client.post("/accounts/login/", {"username": "ann", "password": "ann-password-1"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.logout()
    form = {"username": "newcomer", "password1": "Xq-long-pass-42", "password2": "Xq-long-pass-42"}
    response = client.post("/accounts/signup/", form)
    assert response.status_code == 302 and response["Location"] == "/account/"
