"""A real browser (Debian's headless Chromium) signs up, signs in and approves on the gateway's pages."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from gateway.models import Plugin
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
