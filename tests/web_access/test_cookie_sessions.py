"""The browser session cookie over HTTP (httpx on the ASGI app): set at sign-in, cleared at
sign-out, accepted only on JSON POSTs from the app's own pages."""

import httpx
import pytest
from starlette.responses import Response

from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import Settings
from tests.factories import PASSWORD, make_family, make_school
from tests.support.mail import mails_to, token_in
from web_access.cookies import SESSION_COOKIE, remember

LOGIN = """mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token user { username } errors { code } } }"""
VIEWER = "{ viewer { user { username } } }"
LOGOUT = "mutation { logout }"
CHANGE = """mutation($c: String!, $n: String!) {
  changePassword(currentPassword: $c, newPassword: $n) { user { username } errors { code } } }"""
OWN = {"origin": "http://cartable.test"}


def cookie_jar(token: str) -> dict[str, str]:
    return {"cookie": f"{SESSION_COOKIE}={token}"}


async def post(
    http: httpx.AsyncClient, query: str, variables=None, **headers: str
) -> httpx.Response:
    return await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def signed_in(http: httpx.AsyncClient, tx: Transactions) -> tuple[str, str]:
    """(username, cookie token) of a parent who signed in through the login mutation."""
    family = await make_family(tx, await make_school(tx))
    username = family.parent.user.username
    response = await post(http, LOGIN, {"u": username, "p": PASSWORD}, **OWN)
    assert response.status_code == 200
    token = response.cookies.get(SESSION_COOKIE)
    assert token
    return username, token


async def test_login_sets_an_httponly_lax_cookie_holding_the_session(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    response = await post(http, LOGIN, {"u": family.parent.user.username, "p": PASSWORD}, **OWN)
    header = response.headers["set-cookie"]
    assert header.startswith(f"{SESSION_COOKIE}=")
    attributes = [part.strip().lower() for part in header.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "secure" not in attributes  # PUBLIC_URL is http:// in these tests
    # The cookie is the session the token field names (API clients still read the token).
    assert response.cookies[SESSION_COOKIE] == response.json()["data"]["login"]["token"]


async def test_a_failed_login_sets_no_cookie(http: httpx.AsyncClient, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    response = await post(http, LOGIN, {"u": family.parent.user.username, "p": "wrong"}, **OWN)
    assert response.json()["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert "set-cookie" not in response.headers


def test_the_cookie_is_secure_when_the_app_is_served_over_https(settings: Settings) -> None:
    https = settings.model_copy(update={"public_url": "https://portal.example"})
    response = Response()
    remember(response, https, "tok")
    assert "secure" in [p.strip().lower() for p in response.headers["set-cookie"].split(";")]


async def test_same_origin_json_posts_act_with_the_cookie_and_logout_clears_it(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    username, token = await signed_in(http, tx)
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"]["user"]["username"] == username
    # Without Origin, the browser's Sec-Fetch-Site says the page is the app's own.
    fetched = await post(http, VIEWER, **{"sec-fetch-site": "same-origin"}, **cookie_jar(token))
    assert fetched.json()["data"]["viewer"]["user"]["username"] == username

    out = await post(http, LOGOUT, **OWN, **cookie_jar(token))
    assert out.json()["data"] == {"logout": True}
    cleared = out.headers["set-cookie"].lower()
    assert cleared.startswith(f"{SESSION_COOKIE}=") and "max-age=0" in cleared
    after = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert after.json()["data"]["viewer"] is None


async def test_change_password_renews_the_cookie_of_the_same_session(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    username, token = await signed_in(http, tx)
    variables = {"c": PASSWORD, "n": "a much longer new passphrase"}
    changed = await post(http, CHANGE, variables, **OWN, **cookie_jar(token))
    assert changed.json()["data"]["changePassword"]["errors"] == []
    assert changed.cookies[SESSION_COOKIE] == token
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"]["user"]["username"] == username


@pytest.mark.parametrize(
    ("content_type", "origin"),
    [
        # What another site's <form> can send: refused whatever its body says.
        ("application/x-www-form-urlencoded", "https://evil.example"),
        ("text/plain", "https://evil.example"),
        ("multipart/form-data; boundary=x", "https://evil.example"),
        # A form on the app's own origin is no JSON request either.
        ("text/plain", "http://cartable.test"),
        # JSON from another site (a script with credentials), or from an opaque origin.
        ("application/json", "https://evil.example"),
        ("application/json", "null"),
    ],
)
async def test_cookie_requests_other_than_own_json_posts_are_refused(
    http: httpx.AsyncClient, tx: Transactions, content_type: str, origin: str | None
) -> None:
    _, token = await signed_in(http, tx)
    headers = {"content-type": content_type, **cookie_jar(token)}
    if origin:
        headers["origin"] = origin
    body = '{"query": "mutation { logout }"}'
    refused = await http.post("/graphql", content=body, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The session lived on: nothing was done with it.
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"] is not None


async def test_a_cross_site_fetch_without_origin_is_refused(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    _, token = await signed_in(http, tx)
    refused = await post(http, LOGOUT, **{"sec-fetch-site": "cross-site"}, **cookie_jar(token))
    assert refused.status_code == 403
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"] is not None


async def test_a_client_that_is_no_browser_is_served_anonymously_despite_a_kept_cookie(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    _, token = await signed_in(http, tx)
    # No Origin, no Sec-Fetch-Site: not a browser, so nothing another site could forge.
    anonymous = await post(http, VIEWER, **cookie_jar(token))
    assert anonymous.status_code == 200
    assert anonymous.json()["data"]["viewer"] is None
    out = await post(http, LOGOUT, **cookie_jar(token))
    assert out.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"] is not None


async def test_a_get_never_acts_with_the_cookie(http: httpx.AsyncClient, tx: Transactions) -> None:
    _, token = await signed_in(http, tx)
    query = await http.get(
        "/graphql", params={"query": VIEWER}, headers={**OWN, **cookie_jar(token)}
    )
    assert query.status_code == 200
    assert query.json()["data"]["viewer"] is None
    mutation = await http.get(
        "/graphql", params={"query": LOGOUT}, headers={**OWN, **cookie_jar(token)}
    )
    assert mutation.status_code == 400
    assert "mutations are not allowed" in mutation.text
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"] is not None


async def test_bearer_tokens_keep_working_and_win_over_a_cookie(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    family = await make_family(tx, await make_school(tx))
    bearer = {"authorization": f"Bearer {family.parent.token}"}
    # No Origin, no cookie: an API client.
    plain = await post(http, VIEWER, **bearer)
    assert plain.json()["data"]["viewer"]["user"]["username"] == family.parent.user.username
    # With a bearer header the cookie is not looked at, even a stale one from another site.
    mixed = await post(http, VIEWER, origin="https://evil.example", **bearer, **cookie_jar("stale"))
    assert mixed.status_code == 200
    assert mixed.json()["data"]["viewer"]["user"]["username"] == family.parent.user.username


async def test_activating_from_the_mailed_link_signs_the_browser_in(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    family = await make_family(tx, await make_school(tx))
    reset = "mutation($e: String!) { requestPasswordReset(email: $e) { ok } }"
    await post(http, reset, {"e": family.parent.user.email}, **OWN)
    [mail] = await mails_to(runtime, family.parent.user.email)
    activate = """mutation($t: String!, $p: String!) {
      activateAccount(token: $t, password: $p) { user { username } errors { code } } }"""
    variables = {"t": token_in(mail), "p": "a brand new passphrase"}
    activated = await post(http, activate, variables, **OWN)
    assert activated.json()["data"]["activateAccount"]["errors"] == []
    token = activated.cookies[SESSION_COOKIE]
    viewer = await post(http, VIEWER, **OWN, **cookie_jar(token))
    assert viewer.json()["data"]["viewer"]["user"]["username"] == family.parent.user.username
