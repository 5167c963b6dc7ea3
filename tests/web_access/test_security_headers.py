"""Every response carries the security headers; pages get a CSP without 'unsafe-inline' that
still lets their own inline blocks run (by hash) and nothing else."""

import base64
import hashlib
import re

import httpx
import pytest

from services.sql.runtime import Runtime
from tests.api.test_languages import checkout
from web_access.security_headers import inline_hashes, page_policy


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_common(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert directives(response.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]


def sha256_of_blocks(html: str, tag: str) -> list[str]:
    bodies = re.findall(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", html, re.DOTALL)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in bodies
        if body.strip()
    ]


async def test_the_sandbox_page_allows_its_own_style_and_no_inline_script(
    http: httpx.AsyncClient, runtime: Runtime
) -> None:
    page = await http.get((await checkout(runtime)).checkout_url)
    assert page.status_code == 200
    assert_common(page)
    policy = directives(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", *sha256_of_blocks(page.text, "style")]
    assert policy["form-action"] == ["'self'"]
    assert " style=" not in page.text  # an inline style attribute would be blocked


async def test_the_payment_return_page(http: httpx.AsyncClient) -> None:
    page = await http.get("/payments/return")
    assert_common(page)
    assert "text/html" in page.headers["content-type"]


async def test_graphiql_runs_its_loader_by_hash_and_its_pinned_bundles(
    http: httpx.AsyncClient,
) -> None:
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert_common(page)
    policy = directives(page.headers["content-security-policy"])
    scripts = sha256_of_blocks(page.text, "script")
    assert scripts and set(scripts) <= set(policy["script-src"])
    assert "https://unpkg.com" in policy["script-src"]
    # Every script GraphiQL loads from elsewhere is pinned by its integrity hash.
    for tag in re.findall(r"<script[^>]*\ssrc=[^>]*>", page.text):
        assert "integrity=" in tag


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/healthz"), ("POST", "/graphql"), ("GET", "/documents/1/download")],
)
async def test_what_is_not_a_page_runs_nothing(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await http.request(method, path, json={"query": "{ __typename }"})
    assert_common(response)
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


async def test_other_pages_do_not_get_the_ide_sources(http: httpx.AsyncClient) -> None:
    page = await http.get("/payments/return")
    assert "unpkg" not in page.headers["content-security-policy"]


def test_scripts_with_a_source_are_not_hashed() -> None:
    html = b'<script src="/a.js"></script><script>run()</script><style>p{}</style>'
    scripts, styles = inline_hashes(html)
    assert scripts == [
        "'sha256-" + base64.b64encode(hashlib.sha256(b"run()").digest()).decode() + "'"
    ]
    assert len(styles) == 1
    assert "'unsafe-inline'" not in page_policy(scripts, styles)
