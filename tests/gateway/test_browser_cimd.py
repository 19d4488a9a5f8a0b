"""In a real browser: approve an app known by its metadata document, then revoke it on the account page."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gateway.models import Plugin
from tests.gateway.cimd_server import authorize_path, document, pkce_pair, running_document_server
from tests.gateway.test_browser import ARTIFACTS, browser, click, screenshot, sign_in, wait_for_heading  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def documents(settings, monkeypatch, tmp_path):
    yield from running_document_server(settings, monkeypatch, tmp_path)


def test_approve_a_cimd_app_then_revoke_it_on_the_account_page(live_server, browser, documents, django_user_model):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    django_user_model.objects.create_user("walker", password="Quiet-River-42")
    callback = f"{live_server.url}/platform/callback"  # http on localhost: a native app's loopback callback
    url = documents.url + "/assistant.json"
    documents.serve("/assistant.json", document(url, redirect_uris=[callback]))
    verifier, challenge = pkce_pair()

    sign_in(
        browser,
        live_server.url + authorize_path("/plugins/todo/", url, challenge, redirect_uri=callback),
        "walker",
        "Quiet-River-42",
    )
    wait_for_heading(browser, "Allow Example Assistant (localhost) to use TODO List?")
    note = browser.find_element(By.ID, "unverified").text
    assert "An app from localhost." in note and url in note
    link = browser.find_element(By.LINK_TEXT, "your account page")
    assert link.get_attribute("href") == f"{live_server.url}/plugins/todo/account/"
    screenshot(browser, "cimd-1-consent", width=1000)
    click(browser, "Allow")
    WebDriverWait(browser, 15).until(lambda driver: driver.current_url.startswith(callback))
    code = parse_qs(urlsplit(browser.current_url).query)["code"][0]
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": callback}
    token = httpx.post(
        f"{live_server.url}/plugins/todo/oauth/token",
        data={**body, "client_id": url, "code_verifier": verifier},
        timeout=30,
    ).json()["access_token"]
    api = f"{live_server.url}/plugins/todo/todos/walker"
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 200

    browser.get(f"{live_server.url}/plugins/todo/account/")
    wait_for_heading(browser, "Your account: TODO List")
    cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#connected-apps tbody td")]
    assert cells[:3] == ["Example Assistant (named itself)", "localhost", "Read, add and delete your TODOs (todos)"]
    screenshot(browser, "cimd-2-connected-apps", width=1000)
    browser.find_element(By.CSS_SELECTOR, "button[aria-label='Revoke Example Assistant']").click()
    WebDriverWait(browser, 15).until(lambda driver: "Access revoked" in driver.find_element(By.TAG_NAME, "main").text)
    assert "No app has access to TODO List." in browser.find_element(By.ID, "connected-apps").text
    screenshot(browser, "cimd-3-revoked", width=1000)
    assert httpx.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code == 401
