"""The staff's directory and guardian actions through the API, refused to everyone else."""

from typing import Any

import pytest

from models.accounts import Role
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.accounts.test_accounts import ACTIVATE, LOGIN, NEW_PASSWORD, VIEWER, gid
from tests.factories import (
    fund,
    make_child,
    make_school,
    make_user,
    set_class,
    unique,
    wallets_of,
)
from tests.support.graphql import GraphQL, error_codes
from tests.support.mail import mails_to, token_in

CHILDREN = """
query($s: String, $c: String, $f: Int = 50, $a: String) {
  children(search: $s, className: $c, first: $f, after: $a) {
    edges { cursor node { id firstName lastName className
      guardians { id displayName email state }
      wallets { name balance { cents } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CLASSES = "{ schoolClasses { name childCount } }"
GUARDIANS = "query($s: String!) { guardians(search: $s) { id displayName email state } }"
LINK = """mutation($g: ID!, $c: ID!) { linkGuardian(guardianId: $g, childId: $c) {
  guardian { id state } errors { code field } } }"""
UNLINK = """mutation($g: ID!, $c: ID!) { unlinkGuardian(guardianId: $g, childId: $c) {
  guardian { id } errors { code field } } }"""
RESEND = """mutation($g: ID!) { resendInvitation(guardianId: $g) {
  guardian { id state } errors { code field } } }"""
DISABLE = """mutation($g: ID!) { disableAccount(guardianId: $g) {
  guardian { id state } errors { code field } } }"""
CREATE_DEVICE = """mutation { createDevice(name: "Caisse", kind: "canteen") { key } }"""


async def named_child(tx: Transactions, school: Any, first: str, last: str, cls: str) -> Any:
    child = await make_child(tx, school, first_name=first)

    async def rename(uow: Any) -> None:
        from models.family import Child

        row = await uow.session.get(Child, child.id)
        row.last_name = last
        row.class_name = cls

    await tx.run(rename)
    return child


async def test_search_ignores_accents_and_case_and_pages(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    parent = await make_user(tx, school, Role.PARENT, username="ana.parent")
    elodie = await named_child(tx, school, "Élodie", "Dupré", "3B")
    await make_child(tx, school, parent, first_name="Zoé")
    await named_child(tx, school, "Marc", "Lefèvre", "3B")
    other = await make_school(tx)
    await named_child(tx, other, "Elodie", "Dupre", "3B")
    as_staff = gql.as_(staff.token)

    found = (await as_staff.data(CHILDREN, {"s": "ELODIE dupre"}))["children"]
    assert [e["node"]["id"] for e in found["edges"]] == [gid("Child", elodie.id)]
    assert found["edges"][0]["node"]["guardians"] == []
    await fund(tx, (await wallets_of(tx, elodie))[0].id, 1250)
    found = (await as_staff.data(CHILDREN, {"s": "elodie"}))["children"]
    balances = [w["balance"]["cents"] for w in found["edges"][0]["node"]["wallets"]]
    assert sorted(balances) == [0, 1250]

    in_3b = (await as_staff.data(CHILDREN, {"c": "3B"}))["children"]["edges"]
    assert [e["node"]["lastName"] for e in in_3b] == ["Dupré", "Lefèvre"]

    first = (await as_staff.data(CHILDREN, {"f": 2}))["children"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await as_staff.data(CHILDREN, {"f": 2, "a": first["pageInfo"]["endCursor"]}))[
        "children"
    ]
    assert rest["pageInfo"]["hasNextPage"] is False
    names = [e["node"]["firstName"] for e in first["edges"] + rest["edges"]]
    assert sorted(names) == sorted(["Élodie", "Zoé", "Marc"])

    zoe = (await as_staff.data(CHILDREN, {"s": "zoe"}))["children"]["edges"][0]["node"]
    assert [(g["displayName"], g["state"]) for g in zoe["guardians"]] == [("Ana.Parent", "ACTIVE")]
    classes = (await as_staff.data(CLASSES))["schoolClasses"]
    assert classes == [{"name": "1A", "childCount": 1}, {"name": "3B", "childCount": 2}]
    hits = (await as_staff.data(GUARDIANS, {"s": "ANA"}))["guardians"]
    assert [h["email"] for h in hits] == ["ana.parent@example.org"]


async def test_link_unlink_resend_and_disable(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    address = f"{unique('p')}@example.org"
    invited = await make_user(tx, school, Role.PARENT, email=address, password=None)
    first_child = await make_child(tx, school, invited)
    second_child = await make_child(tx, school)
    as_staff = gql.as_(staff.token)
    g, c = gid("User", invited.id), gid("Child", second_child.id)

    linked = (await as_staff.data(LINK, {"g": g, "c": c}))["linkGuardian"]
    assert linked == {"guardian": {"id": g, "state": "INVITED"}, "errors": []}
    again = (await as_staff.data(LINK, {"g": g, "c": c}))["linkGuardian"]
    assert again["errors"] == []
    node = (await as_staff.data(CHILDREN, {"s": second_child.first_name}))["children"]
    assert [x["id"] for x in node["edges"][0]["node"]["guardians"]] == [g]

    unlinked = (await as_staff.data(UNLINK, {"g": g, "c": c}))["unlinkGuardian"]
    assert unlinked["errors"] == []
    node = (await as_staff.data(CHILDREN, {"s": second_child.first_name}))["children"]
    assert node["edges"][0]["node"]["guardians"] == []

    resent = (await as_staff.data(RESEND, {"g": g}))["resendInvitation"]
    assert resent["errors"] == []
    [mail] = await mails_to(runtime, address)
    activated = await gql.data(ACTIVATE, {"t": token_in(mail), "p": NEW_PASSWORD})
    token = activated["activateAccount"]["token"]
    viewer = (await gql.as_(token).data(VIEWER))["viewer"]
    assert [ch["id"] for ch in viewer["children"]] == [gid("Child", first_child.id)]
    # Once active there is nothing to re-send.
    active = (await as_staff.data(RESEND, {"g": g}))["resendInvitation"]
    assert error_codes(active) == ["INVALID_INPUT"]

    disabled = (await as_staff.data(DISABLE, {"g": g}))["disableAccount"]
    assert disabled == {"guardian": {"id": g, "state": "DISABLED"}, "errors": []}
    assert (await gql.as_(token).data(VIEWER))["viewer"] is None
    login = (await gql.data(LOGIN, {"u": invited.user.username, "p": NEW_PASSWORD}))["login"]
    assert error_codes(login) == ["INVALID_CREDENTIALS"]


async def test_staff_of_another_school_reach_nothing(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    parent = await make_user(tx, school, Role.PARENT, password=None)
    child = await make_child(tx, school, parent)
    outsider = await make_user(tx, await make_school(tx), Role.STAFF)
    as_outsider = gql.as_(outsider.token)
    g, c = gid("User", parent.id), gid("Child", child.id)
    assert (await as_outsider.data(CHILDREN))["children"]["edges"] == []
    assert (await as_outsider.data(GUARDIANS, {"s": ""}))["guardians"] == []
    for query, name, variables in [
        (LINK, "linkGuardian", {"g": g, "c": c}),
        (UNLINK, "unlinkGuardian", {"g": g, "c": c}),
        (RESEND, "resendInvitation", {"g": g}),
        (DISABLE, "disableAccount", {"g": g}),
    ]:
        assert error_codes((await as_outsider.data(query, variables))[name]) == ["NOT_FOUND"]


DIRECTORY_ENTRIES = [
    (CHILDREN, "children", {}),
    (CLASSES, "schoolClasses", {}),
    (GUARDIANS, "guardians", {"s": ""}),
]
MUTATION_ENTRIES = [
    (LINK, "linkGuardian", True),
    (UNLINK, "unlinkGuardian", True),
    (RESEND, "resendInvitation", False),
    (DISABLE, "disableAccount", False),
]


@pytest.mark.parametrize("role", ["PARENT", "TEACHER", "DEVICE"])
async def test_every_staff_entry_point_is_refused_to_other_roles(
    gql: GraphQL, tx: Transactions, role: str
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    parent = await make_user(tx, school, Role.PARENT)
    child = await make_child(tx, school, parent)
    await set_class(tx, child, "2A")
    headers: dict[str, str] = {}
    caller = gql
    if role == "DEVICE":
        key = (await gql.as_(staff.token).data(CREATE_DEVICE))["createDevice"]["key"]
        headers = {"authorization": f"Device {key}"}
        expected = "UNAUTHENTICATED"
    else:
        person = parent if role == "PARENT" else await make_user(tx, school, Role.TEACHER)
        caller = gql.as_(person.token)
        expected = "FORBIDDEN"
    for query, name, variables in DIRECTORY_ENTRIES:
        body = await caller.execute(query, variables, **headers)
        assert body["errors"][0]["extensions"]["code"] == expected, name
    for query, name, with_child in MUTATION_ENTRIES:
        variables = {"g": gid("User", parent.id)}
        if with_child:
            variables["c"] = gid("Child", child.id)
        body = await caller.execute(query, variables, **headers)
        if expected == "UNAUTHENTICATED":
            assert body["errors"][0]["extensions"]["code"] == expected, name
        else:
            assert error_codes(body["data"][name]) == [expected], name
    # Nothing changed: the parent is still linked and active.
    as_staff = gql.as_(staff.token)
    node = (await as_staff.data(CHILDREN, {"s": child.first_name}))["children"]["edges"][0]
    assert [(g["id"], g["state"]) for g in node["node"]["guardians"]] == [
        (gid("User", parent.id), "ACTIVE")
    ]
