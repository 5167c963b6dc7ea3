"""POST /class-moves: the year change from a `old_class,new_class` file, planned, applied at once."""

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from models.accounts import Role
from models.family import Child, School
from models.wallets import Wallet
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import make_child, make_school, make_user, set_class

TRAIL = "{ auditTrail(first: 50) { action details } }"


def moves_file(*rows: str, separator: str = ",", bom: bool = False) -> bytes:
    text = "\r\n".join(["old_class,new_class", *rows]).replace(",", separator) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


async def post(
    http: httpx.AsyncClient, token: str | None, data: bytes, **params: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        "/class-moves",
        params=params,
        files={"file": ("classes.csv", data, "text/csv")},
        headers=headers,
    )


async def pupils(tx: Transactions, school: School, *classes: str | None) -> list[Child]:
    made = []
    for class_name in classes:
        child = await make_child(tx, school)
        await set_class(tx, child, class_name)
        made.append(child)
    return made


async def classes_of(runtime: Runtime, children: list[Child]) -> list[str | None]:
    async with runtime.database.read() as session:
        found = dict(
            (
                await session.execute(
                    select(col(Child.id), col(Child.class_name)).where(
                        col(Child.id).in_([c.id for c in children])
                    )
                )
            ).all()
        )
    return [found[c.id] for c in children]


async def wallets_of(runtime: Runtime, children: list[Child]) -> list[tuple[int, int, int]]:
    async with runtime.database.read() as session:
        rows = await session.execute(
            select(col(Wallet.id), col(Wallet.child_id), col(Wallet.balance_cents))
            .where(col(Wallet.child_id).in_([c.id for c in children]))
            .order_by(col(Wallet.id))
        )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_dry_run_plans_then_the_moves_apply_at_once(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    children = await pupils(tx, school, "1A", "1A", "2A", "3B")
    leaver = (await pupils(tx, school, "1A"))[0]
    gone = update(Child).where(col(Child.id) == leaver.id).values(left_at=tx.now())
    await tx.run(lambda uow: uow.session.execute(gone))
    wallets = await wallets_of(runtime, children)
    data = moves_file("1A;2A", "2A;3A", separator=";", bom=True)

    planned = await post(http, staff.token, data, dryRun="true")

    assert planned.status_code == 200
    assert planned.json() == {
        "moved": 3,
        "classes": [
            {"from": "1A", "to": "2A", "children": 2},
            {"from": "2A", "to": "3A", "children": 1},
        ],
        "errors": [],
    }
    assert await classes_of(runtime, [*children, leaver]) == ["1A", "1A", "2A", "3B", "1A"]

    applied = await post(http, staff.token, data)

    assert applied.status_code == 200 and applied.json() == planned.json()
    # 1A -> 2A and 2A -> 3A do not chain; 3B is not in the file; the leaver stays put.
    assert await classes_of(runtime, [*children, leaver]) == ["2A", "2A", "3A", "3B", "1A"]
    assert await wallets_of(runtime, children) == wallets
    trail = (
        await http.post(
            "/graphql", json={"query": TRAIL}, headers={"authorization": f"Bearer {staff.token}"}
        )
    ).json()["data"]["auditTrail"]
    entries = [e for e in trail if e["action"] == "moveClassesFile"]
    assert len(entries) == 1
    assert entries[0]["details"]["arguments"] == {"moves": [["1A", "2A"], ["2A", "3A"]]}


async def test_errors_are_listed_by_line_and_nothing_is_applied(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    children = await pupils(tx, school, "1A", "2A")
    data = moves_file("1A,2A", "2A,", "1A,3A", ",4A", "2A," + "x" * 51)

    answer = await post(http, staff.token, data)

    assert answer.status_code == 422
    assert [e["line"] for e in answer.json()["errors"]] == [3, 4, 5, 6]
    assert answer.json()["errors"][1]["message"] == "La classe 1A figure déjà à la ligne 2."
    assert await classes_of(runtime, children) == ["1A", "2A"]

    typo = await post(http, staff.token, moves_file("1A,2A", "2a,3A"))

    assert typo.status_code == 422
    assert typo.json()["errors"] == [
        {"line": 3, "message": "Aucun élève n'est dans la classe « 2a »."}
    ]
    assert await classes_of(runtime, children) == ["1A", "2A"]

    header = await post(http, staff.token, b"ancienne,nouvelle\n1A,2A\n")
    assert header.status_code == 422 and header.json()["errors"][0]["line"] == 1
    assert await classes_of(runtime, children) == ["1A", "2A"]


@pytest.mark.parametrize("who", ["nobody", "PARENT", "TEACHER", "DEVICE", "OTHER_SCHOOL"])
async def test_class_moves_are_refused_to_everyone_but_the_schools_staff(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime, who: str
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    children = await pupils(tx, school, "1A")
    data = moves_file("1A,2A")
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
    if who == "OTHER_SCHOOL":
        outsider = await make_user(tx, await make_school(tx), Role.STAFF)
        answer = await post(http, outsider.token, data)
        assert answer.status_code == 422  # no 1A in their school
        assert await classes_of(runtime, children) == ["1A"]
        return
    answer = await http.post(
        "/class-moves", files={"file": ("a.csv", data, "text/csv")}, headers=headers
    )
    assert answer.status_code == (403 if who in ("PARENT", "TEACHER") else 401)
    assert await classes_of(runtime, children) == ["1A"]
