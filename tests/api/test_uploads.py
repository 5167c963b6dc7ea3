"""The four staff upload routes refuse a request the same way before reading any file: no
session, a body that is not multipart, a form without `file`, a body over the limit."""

from typing import Any

import httpx
import pytest

from models.accounts import Role
from schema.ids import to_global_id
from services.sql.uow import Transactions
from tests.factories import make_school, make_user

ROUTES = {
    "documents": ("/documents", "INVALID_INPUT"),
    "photos": (f"/photo-campaigns/{to_global_id('PhotoCampaign', 1)}/proofs", "INVALID_INPUT"),
    "roster": ("/roster", "INVALID_INPUT"),
    "bank-statements": ("/bank-statements", "UNSUPPORTED_FILE_TYPE"),
}


def code_of(response: httpx.Response) -> tuple[int, str]:
    body: dict[str, Any] = response.json()
    error = body["error"] if "error" in body else body["errors"][0]  # the bank route's contract
    return response.status_code, error["code"]


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_an_upload_is_refused_before_its_file_is_read(
    http: httpx.AsyncClient, tx: Transactions, route: str
) -> None:
    path, not_multipart = ROUTES[route]
    staff = await make_user(tx, await make_school(tx), Role.STAFF)
    auth = {"authorization": f"Bearer {staff.token}"}

    nobody = await http.post(path, files={"file": ("a.txt", b"x", "text/plain")})
    as_json = await http.post(path, json={"file": "x"}, headers=auth)
    no_file = await http.post(path, files={"other": ("a.txt", b"x", "text/plain")}, headers=auth)
    huge = await http.post(
        path, files={"file": ("a.txt", b"0" * (21 * 1024 * 1024), "text/plain")}, headers=auth
    )

    assert code_of(nobody) == (401, "UNAUTHENTICATED")
    assert code_of(as_json) == (415, not_multipart)
    assert code_of(no_file) == (400, "INVALID_INPUT")
    assert code_of(huge) == (413, "FILE_TOO_LARGE")
