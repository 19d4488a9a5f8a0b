"""The platform's side of the OAuth flow, over real HTTP: a browser-like session and a token client."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

CALLBACK = "https://chat.openai.com/aip/plugin-3f2a/oauth/callback"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def hidden_fields(html: str) -> dict:
    form = html[html.index('id="authorizationForm"') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


class Browser:
    """An end user's browser: keeps cookies, follows the gateway's pages, stops at the platform's callback."""

    def __init__(self, base: str, **client_options):
        self.base = base.rstrip("/")
        self.http = httpx.Client(base_url=self.base, follow_redirects=False, timeout=30, **client_options)

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def post_form(self, url: str, page_html: str, data: dict):
        return self.http.post(
            url, data={"csrfmiddlewaretoken": csrf_token(page_html), **data}, headers={"Referer": f"{self.base}{url}"}
        )

    def sign_up(self, login_page_url: str, username: str, password: str):
        """From a sign-in page, follow "Create one" and create an account; return the redirect."""
        page = self.get(login_page_url)
        signup_url = re.search(r'href="([^"]*signup[^"]*)"', page.text).group(1).replace("&amp;", "&")
        signup_page = self.get(signup_url)
        assert signup_page.status_code == 200
        path = urlsplit(signup_url).path
        next_url = parse_qs(urlsplit(signup_url).query).get("next", [""])[0]
        return self.post_form(
            path,
            signup_page.text,
            {"username": username, "password1": password, "password2": password, "next": next_url},
        )


def authorize_url(
    base_path: str, client_id: str, *, state="xyz-state", scope="", redirect_uri=CALLBACK, **extra
) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        **extra,
    }
    return f"{base_path}oauth/authorize?{urlencode(query)}"


def approve(
    browser: Browser, url: str, *, username: str, password: str, allow: bool = True, sign_up: bool = False
) -> dict:
    """Run authorize -> sign in (or up) -> consent; return the query of the redirect to the platform."""
    response = browser.get(url)
    assert response.status_code == 302, response.text
    login_url = response.headers["location"]
    assert "/accounts/login/" in login_url
    if sign_up:
        response = browser.sign_up(login_url, username, password)
    else:
        login_page = browser.get(login_url)
        path = urlsplit(login_url).path
        response = browser.post_form(
            path,
            login_page.text,
            {"username": username, "password": password, "next": parse_qs(urlsplit(login_url).query)["next"][0]},
        )
    assert response.status_code == 302, response.text
    consent = browser.get(response.headers["location"])
    assert consent.status_code == 200, consent.headers.get("location", consent.text)
    fields = hidden_fields(consent.text)
    if allow:
        fields["allow"] = "Authorize"
    answer = browser.post_form(urlsplit(url).path, consent.text, fields)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    return {"location": location, **{key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}}
