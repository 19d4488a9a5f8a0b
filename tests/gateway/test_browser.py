"""A real browser (Debian's headless Chromium) signs up, signs in and approves on the gateway's pages."""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from gateway.models import Plugin, UserKey
from gateway.selectors import plugin_list
from gateway.services import oauth_client_create
from gateway.usage.models import Call
from plugins.todo.models import Todo
from tests.oauth_flow import authorize_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def fill(driver, label_text: str, value: str):
    """Type into the input a visible <label> names (the pages are labelled for screen readers too)."""
    label = driver.find_element(By.XPATH, f"//label[normalize-space()='{label_text}']")
    driver.find_element(By.ID, label.get_attribute("for")).send_keys(value)


def click(driver, text: str):
    driver.find_element(By.XPATH, f"//button[normalize-space()='{text}'] | //a[normalize-space()='{text}']").click()


def wait_for_heading(driver, text: str):
    WebDriverWait(driver, 15).until(expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), text))


def test_sign_up_sign_in_and_approve_in_a_real_browser(live_server, browser, capsys):
    ARTIFACTS.mkdir(exist_ok=True)
    Plugin.objects.filter(slug="todo").update(auth_mode="oauth")
    callback = f"{live_server.url}/platform/callback"
    call_command("plugin_oauth_client", "todo", "--redirect-uri", callback, "--name", "Test Platform", "--no-pkce")
    client = json.loads(capsys.readouterr().out)

    # First visit: no account yet, so sign up from the sign-in page.
    browser.get(
        live_server.url + authorize_url("/plugins/todo/", client["client_id"], redirect_uri=callback, state="s-1")
    )
    wait_for_heading(browser, "Sign in")
    browser.save_screenshot(str(ARTIFACTS / "oauth-1-sign-in.png"))
    click(browser, "Create one")
    wait_for_heading(browser, "Create an account")
    fill(browser, "Username", "walker")
    fill(browser, "Password", "Quiet-River-42")
    fill(browser, "Password confirmation", "Quiet-River-42")
    browser.save_screenshot(str(ARTIFACTS / "oauth-2-sign-up.png"))
    click(browser, "Create account")

    wait_for_heading(browser, "Allow Test Platform to use TODO List?")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Read, add and delete your TODOs" in page
    assert "Signed in as walker" in page
    browser.save_screenshot(str(ARTIFACTS / "oauth-3-consent.png"))
    click(browser, "Allow")

    WebDriverWait(browser, 15).until(lambda driver: driver.current_url.startswith(callback))
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query["state"] == ["s-1"] and query["code"][0]

    # A second visit in a fresh session: sign in with the new account, then deny.
    browser.delete_all_cookies()
    browser.get(
        live_server.url + authorize_url("/plugins/todo/", client["client_id"], redirect_uri=callback, state="s-2")
    )
    wait_for_heading(browser, "Sign in")
    fill(browser, "Username", "walker")
    fill(browser, "Password", "Quiet-River-42")
    click(browser, "Sign in")
    wait_for_heading(browser, "Allow Test Platform")
    click(browser, "Deny")
    WebDriverWait(browser, 15).until(lambda driver: driver.current_url.startswith(callback))
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query == {"error": ["access_denied"], "state": ["s-2"], "iss": [f"{live_server.url}/plugins/todo"]}
    assert not Todo.objects.exists()


def test_a_wrong_password_shows_an_error_in_the_browser(live_server, browser, django_user_model):
    ARTIFACTS.mkdir(exist_ok=True)
    django_user_model.objects.create_user("ann", password="right-password-1")
    browser.get(f"{live_server.url}/plugins/todo/accounts/login/")
    fill(browser, "Username", "ann")
    fill(browser, "Password", "wrong-password")
    click(browser, "Sign in")
    alert = WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]"))
    )
    assert "didn't match" in alert.text
    browser.save_screenshot(str(ARTIFACTS / "oauth-4-wrong-password.png"))


def screenshot(driver, name: str, width: int = 1400):
    """Save the whole page, not just the window, as test-artifacts/<name>.png."""
    # The viewport is set through the DevTools protocol: a window's size includes its frame.
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(height, 5000)})
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def sign_in(driver, url: str, username: str, password: str):
    driver.get(url)
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form [type=submit]").click()


def text_of(driver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text


def test_the_admin_pages_render_for_staff(live_server, browser, django_user_model):
    ARTIFACTS.mkdir(exist_ok=True)
    django_user_model.objects.create_superuser("root", password="Root-River-42")
    Plugin.objects.filter(slug="todo").update(auth_mode="service_http")
    weather = Plugin.objects.get(slug="weather")
    weather.auth_mode = "oauth"
    weather.save()
    oauth_client_create(plugin=weather, redirect_uris=["https://chatgpt.com/aip/g-1/oauth/callback"], name="ChatGPT")
    now = timezone.now()
    for minutes, status in ((5, 200), (65, 200), (70, 404), (600, 200)):
        Call.objects.create(
            plugin="todo",
            operation="getTodos",
            client="http",
            status=status,
            is_error=status >= 400,
            duration_ms=12.0,
            credential="service",
            created_at=now - timedelta(minutes=minutes),
        )

    sign_in(browser, f"{live_server.url}/admin/login/", "root", "Root-River-42")
    wait_for_heading(browser, "Plugins, OAuth clients and usage")
    assert browser.title == "Plugins, OAuth clients and usage | Plugin gateway admin"
    assert text_of(browser, "#site-name") == "Plugin gateway"
    index = text_of(browser, "#content-main")
    assert "Access tokens" in index and "Id tokens" not in index and "Grants" not in index
    screenshot(browser, "admin-1-index")

    todo = Plugin.objects.get(slug="todo")
    browser.get(f"{live_server.url}/admin/gateway/plugin/{todo.pk}/change/")
    wait_for_heading(browser, "Change plugin")
    page = text_of(browser, "#content-main")
    assert "Verification token" in page and "none yet: tick this plugin" in text_of(browser, ".field-service_key")
    assert "OAuth token request encoding" not in page
    assert not browser.find_elements(By.CSS_SELECTOR, ".inline-group")  # no clients, no user keys
    screenshot(browser, "admin-2-plugin-service-http")

    browser.get(f"{live_server.url}/admin/gateway/plugin/{weather.pk}/change/")
    wait_for_heading(browser, "Change plugin")
    page = text_of(browser, "#content-main")
    assert "ChatGPT" in text_of(browser, "#oauth_clients-group") and "OAuth token request encoding" in page
    assert not browser.find_elements(By.CSS_SELECTOR, ".field-service_key")
    screenshot(browser, "admin-3-plugin-oauth")

    browser.get(f"{live_server.url}/admin/gateway/oauthclient/")
    wait_for_heading(browser, "Select OAuth client to change")
    assert "ChatGPT" in text_of(browser, "#result_list")
    screenshot(browser, "admin-4-oauth-clients")

    browser.get(f"{live_server.url}/admin/usage/call/")
    wait_for_heading(browser, "API calls by plugin")
    assert text_of(browser, ".breadcrumbs") == "Home › Usage › API calls"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#usage-overview tbody tr")) == len(plugin_list())
    screenshot(browser, "admin-5-usage")

    browser.find_element(By.LINK_TEXT, "todo").click()
    wait_for_heading(browser, "API calls to TODO List")
    assert text_of(browser, "#usage-calls") == "4"
    screenshot(browser, "admin-6-usage-todo")


def test_the_account_page_makes_a_key_in_the_browser(live_server, browser, django_user_model):
    ARTIFACTS.mkdir(exist_ok=True)
    django_user_model.objects.create_user("walker", password="Quiet-River-42")
    Plugin.objects.filter(slug__in=["todo", "sportstats"]).update(auth_mode="user_http")
    sign_in(browser, f"{live_server.url}/accounts/login/?next=/account/", "walker", "Quiet-River-42")
    wait_for_heading(browser, "Your account")
    picker = Select(browser.find_element(By.ID, "id_plugin"))
    names = [Plugin.objects.get(slug=slug).display_name for slug in ("sportstats", "todo")]
    assert [option.text for option in picker.options] == names
    picker.select_by_visible_text("TODO List")
    fill(browser, "Name (to recognise it later)", "laptop")
    click(browser, "Create key")
    key = WebDriverWait(browser, 15).until(expected_conditions.presence_of_element_located((By.ID, "new-key"))).text
    assert key.startswith("uk-") and UserKey.objects.get(name="laptop").hint == key[:7]
    cells = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "tbody tr:first-child td")]
    assert cells[:2] == ["TODO List", "laptop"]
    screenshot(browser, "account-1-new-key", width=1000)
