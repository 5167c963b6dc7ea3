"""POST /roster: the administration software's export, planned, applied once, refused to others."""

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.accounts import Role, User
from models.family import Child, Guardianship
from models.mail import OutboxMail
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import make_child, make_school, make_user, unique
from tests.support.mail import mails_to, text_of

HEADER = (
    "student_id;first_name;last_name;class;guardian1_name;guardian1_email;"
    "guardian2_name;guardian2_email;guardian1_locale"
)


def roster_file(rows: list[str], *, bom: bool = True, separator: str = ";") -> bytes:
    text = "\r\n".join([HEADER, *rows]).replace(";", separator) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


async def post(
    http: httpx.AsyncClient, token: str | None, data: bytes, **params: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        "/roster",
        params=params,
        files={"file": ("eleves.csv", data, "text/csv")},
        headers=headers,
    )


async def school_state(runtime: Runtime, school_id: int) -> dict[str, Any]:
    async with runtime.database.read() as session:
        children = (
            await session.execute(
                select(
                    col(Child.external_id),
                    col(Child.first_name),
                    col(Child.class_name),
                    col(Child.left_at),
                )
                .where(col(Child.school_id) == school_id)
                .order_by(col(Child.external_id))
            )
        ).all()
        parents = await session.scalar(
            select(func.count()).where(
                col(User.school_id) == school_id, col(User.role) == Role.PARENT
            )
        )
        links = await session.scalar(
            select(func.count()).where(col(Guardianship.school_id) == school_id)
        )
        mails = await session.scalar(
            select(func.count()).where(col(OutboxMail.school_id) == school_id)
        )
    return {
        "children": [tuple(row) for row in children],
        "parents": parents,
        "links": links,
        "mails": mails,
    }


async def test_dry_run_then_apply_once_then_nothing_to_do(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    assert school.id is not None
    staff = await make_user(tx, school, Role.STAFF)
    known = await make_user(tx, school, Role.PARENT, email=f"{unique('known')}@example.org")
    new_mail = f"{unique('new')}@example.org"
    data = roster_file(
        [
            f"S1;Élodie;Dupré;1A;Marie Dupré;{new_mail};Known;{known.user.email};nl",
            f"S2;Marc;Dupré;3B;Marie Dupré;{new_mail.upper()};;;nl",
        ]
    )
    before = await school_state(runtime, school.id)

    planned = await post(http, staff.token, data, dryRun="true")
    expected = {
        "children": {"created": 2, "updated": 0, "unchanged": 0, "left": 0},
        "guardians": {"created": 1, "linked": 1},
        "invitations": 1,
        "errors": [],
    }
    assert (planned.status_code, planned.json()) == (200, expected)
    assert await school_state(runtime, school.id) == before

    applied = await post(http, staff.token, data)
    assert (applied.status_code, applied.json()) == (200, expected)
    state = await school_state(runtime, school.id)
    assert state["children"] == [("S1", "Élodie", "1A", None), ("S2", "Marc", "3B", None)]
    assert (state["parents"], state["links"], state["mails"]) == (2, 3, 1)
    [mail] = await mails_to(runtime, new_mail)
    assert "Marie Dupré" in text_of(mail)

    again = await post(
        http, staff.token, roster_file(_rows(new_mail, known), bom=False, separator=",")
    )
    assert again.json() == {
        "children": {"created": 0, "updated": 0, "unchanged": 2, "left": 0},
        "guardians": {"created": 0, "linked": 0},
        "invitations": 0,
        "errors": [],
    }
    assert await school_state(runtime, school.id) == state


def _rows(new_mail: str, known: Any) -> list[str]:
    return [
        f"S1;Élodie;Dupré;1A;Marie Dupré;{new_mail};Known;{known.user.email};nl",
        f"S2;Marc;Dupré;3B;Marie Dupré;{new_mail};;;nl",
    ]


async def test_errors_are_listed_by_line_and_nothing_is_applied(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    assert school.id is not None
    staff = await make_user(tx, school, Role.STAFF)
    data = roster_file(
        [
            "S1;Ana;Peeters;1A;Jan Peeters;jan@example.org;;;fr",
            "S2;;Peeters;1A;;;;;",
            "S1;Bob;Maes;2A;X;not-an-address;;;fr",
            "S3;Cléa;Maes;2A;Y;y@example.org;;;de",
        ]
    )
    before = await school_state(runtime, school.id)
    answer = await post(http, staff.token, data)
    assert answer.status_code == 422
    body = answer.json()
    assert [e["line"] for e in body["errors"]] == [3, 4, 5]
    assert body["errors"][0]["message"] == "La colonne first_name est vide."
    assert "not-an-address" in body["errors"][1]["message"]
    assert body["errors"][2]["message"] == "Langue inconnue : « de » (fr, nl ou en)."
    assert body["children"]["created"] == 0
    assert await school_state(runtime, school.id) == before

    missing = await post(http, staff.token, b"student_id,first_name\nS1,Ana\n")
    assert missing.json()["errors"][0]["line"] == 1
    assert "last_name" in missing.json()["errors"][0]["message"]


async def test_full_mode_marks_children_absent_from_the_file_as_leavers(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    assert school.id is not None
    staff = await make_user(tx, school, Role.STAFF)
    first = roster_file(["S1;Ana;Peeters;1A;;;;;", "S2;Bob;Maes;2A;;;;;"])
    assert (await post(http, staff.token, first)).json()["children"]["created"] == 2
    moved = roster_file(["S1;Ana;Peeters;2A;;;;;"])
    added_only = (await post(http, staff.token, moved)).json()["children"]
    assert added_only == {"created": 0, "updated": 1, "unchanged": 0, "left": 0}
    full = (await post(http, staff.token, moved, mode="full")).json()["children"]
    assert full == {"created": 0, "updated": 0, "unchanged": 1, "left": 1}
    state = await school_state(runtime, school.id)
    assert [(row[0], row[2], row[3] is not None) for row in state["children"]] == [
        ("S1", "2A", False),
        ("S2", "2A", True),
    ]
    again = (await post(http, staff.token, moved, mode="full")).json()["children"]
    assert again["left"] == 0


@pytest.mark.parametrize("who", ["nobody", "PARENT", "TEACHER", "DEVICE", "OTHER_SCHOOL"])
async def test_roster_is_refused_to_everyone_but_the_schools_staff(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime, who: str
) -> None:
    school = await make_school(tx)
    assert school.id is not None
    staff = await make_user(tx, school, Role.STAFF)
    await make_child(tx, school)
    data = roster_file(["S9;Ana;Peeters;1A;;;;;"])
    headers: dict[str, str] = {}
    if who == "DEVICE":
        created = await http.post(
            "/graphql",
            json={"query": 'mutation { createDevice(name: "C", kind: "canteen") { key } }'},
            headers={"authorization": f"Bearer {staff.token}"},
        )
        headers = {"authorization": f"Device {created.json()['data']['createDevice']['key']}"}
    elif who in ("PARENT", "TEACHER"):
        token = (await make_user(tx, school, Role(who))).token
        headers = {"authorization": f"Bearer {token}"}
    before = await school_state(runtime, school.id)
    if who == "OTHER_SCHOOL":
        outsider = await make_user(tx, await make_school(tx), Role.STAFF)
        answer = await post(http, outsider.token, data, mode="full")
        assert answer.status_code == 200
        assert await school_state(runtime, school.id) == before
        return
    answer = await http.post(
        "/roster", files={"file": ("a.csv", data, "text/csv")}, headers=headers
    )
    expected = 403 if who in ("PARENT", "TEACHER") else 401
    assert answer.status_code == expected
    assert await school_state(runtime, school.id) == before
