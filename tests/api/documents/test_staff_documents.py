"""Staff's documents: the list with read counts, a new version of the file, withdrawal; other
families and roles reach nothing."""

from typing import Any

import httpx
import pytest

from models.accounts import Role
from services.common.mail_preferences import set_preference
from services.school.leaving import mark_leaver, set_leaver_access_days
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import Settings
from tests.api.accounts.test_accounts import gid
from tests.api.documents.helpers import (
    MARK_READ,
    documents_of,
    download,
    error_of,
    nodes,
    stored_files,
    upload,
)
from tests.factories import actor_for, make_child, make_school, make_user, set_class
from tests.support.files import pdf_bytes, png_bytes
from tests.support.graphql import GraphQL, error_codes
from tests.support.mail import mails_to, text_of

PUBLISHED = """
query($child: ID, $class: String, $kind: String, $withdrawn: Boolean, $first: Int!, $after: String) {
  publishedDocuments(childId: $child, className: $class, kind: $kind, withdrawn: $withdrawn,
                     first: $first, after: $after) {
    edges { cursor node { document { id title fileName read } audience childId className version
      withdrawnAt childCount guardianCount readCount } }
    pageInfo { hasNextPage endCursor }
  }
}"""
WITHDRAW = """mutation($id: ID!) { withdrawDocument(documentId: $id) {
  publishedDocument { document { id } withdrawnAt readCount } errors { code field } } }"""
NODE = "query($id: ID!) { node(id: $id) { ... on Document { id title } } }"
TRAIL = "{ auditTrail(first: 50) { action } }"


async def published(staff: GraphQL, first: int = 20, **filters: Any) -> list[dict[str, Any]]:
    data = await staff.data(PUBLISHED, {"first": first, **filters})
    return [edge["node"] for edge in data["publishedDocuments"]["edges"]]


async def replace(
    http: httpx.AsyncClient, token: str | None, document_id: str, data: bytes, name: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    kind = "image/png" if name.endswith(".png") else "application/pdf"
    return await http.post(
        f"/documents/{document_id}/file", files={"file": (name, data, kind)}, headers=headers
    )


async def test_staff_list_replace_and_withdraw_what_families_see(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, settings: Settings
) -> None:
    school = await make_school(tx)
    staff_user = await make_user(tx, school, Role.STAFF)
    staff = gql.as_(staff_user.token)
    mother, father, other = [await make_user(tx, school) for _ in range(3)]
    child = await make_child(tx, school, mother, father)
    classmate = await make_child(tx, school, other)
    await set_class(tx, classmate, "2B")
    letter = (
        await upload(
            http,
            staff_user.token,
            pdf_bytes("v1"),
            title="Lettre",
            audience="child",
            childId=gid("Child", child.id),
        )
    ).json()["document"]["id"]
    school_wide = (await upload(http, staff_user.token, pdf_bytes("all"), title="Menu")).json()[
        "document"
    ]["id"]
    classe = (
        await upload(
            http,
            staff_user.token,
            pdf_bytes("2B"),
            title="Classe",
            audience="class",
            className="2B",
        )
    ).json()["document"]["id"]
    as_mother, as_father = gql.as_(mother.token), gql.as_(father.token)
    assert (await as_mother.data(MARK_READ, {"id": letter}))["markDocumentRead"]["errors"] == []
    assert (await as_mother.data(MARK_READ, {"id": school_wide}))["markDocumentRead"][
        "errors"
    ] == []
    await staff.data(MARK_READ, {"id": school_wide})  # staff's own read is not counted

    listed = await published(staff)
    assert [
        (d["document"]["title"], d["audience"], d["childCount"], d["guardianCount"], d["readCount"])
        for d in listed
    ] == [
        ("Classe", "class", 1, 1, 0),
        ("Menu", "school", 2, 3, 1),
        ("Lettre", "child", 1, 2, 1),
    ]
    assert listed[2]["childId"] == gid("Child", child.id) and listed[0]["className"] == "2B"
    assert listed[0]["document"]["id"] == classe
    assert [d["document"]["read"] for d in listed] == [False, True, False]  # staff's own
    assert [
        d["document"]["title"] for d in await published(staff, child=gid("Child", child.id))
    ] == ["Menu", "Lettre"]
    assert [d["document"]["title"] for d in await published(staff, 20, **{"class": "2B"})] == [
        "Classe"
    ]
    assert await published(staff, kind="invoice") == []
    first_page = await staff.data(PUBLISHED, {"first": 2})
    assert first_page["publishedDocuments"]["pageInfo"]["hasNextPage"] is True
    after = first_page["publishedDocuments"]["pageInfo"]["endCursor"]
    assert [d["document"]["title"] for d in await published(staff, after=after)] == ["Lettre"]

    # A new version: both guardians see the new file, unread again; the old one is kept.
    files_before = stored_files(settings.documents_dir)
    answer = await replace(http, staff_user.token, letter, png_bytes(), "corrige.png")
    assert answer.status_code == 200, answer.text
    assert answer.json()["document"]["version"] == 2
    assert answer.json()["document"]["fileName"] == "corrige.png"
    assert len(stored_files(settings.documents_dir)) == len(files_before) + 1
    [seen] = [
        d for d in nodes(await documents_of(as_father, gid("Child", child.id))) if d["id"] == letter
    ]
    assert (seen["fileName"], seen["contentType"], seen["read"]) == (
        "corrige.png",
        "image/png",
        False,
    )
    got = await download(http, seen["downloadUrl"])
    assert got.status_code == 200 and got.content == png_bytes()
    row = (await published(staff, child=gid("Child", child.id)))[1]
    assert (row["version"], row["readCount"]) == (2, 1)  # the father's download just now

    # Withdrawn: gone from lists, by id and by the link already handed out.
    mothers = nodes(await documents_of(as_mother, gid("Child", child.id)))
    link = next(d["downloadUrl"] for d in mothers if d["id"] == letter)
    withdrawn = (await staff.data(WITHDRAW, {"id": letter}))["withdrawDocument"]
    assert withdrawn["errors"] == [] and withdrawn["publishedDocument"]["withdrawnAt"]
    for parent in (as_mother, as_father):
        assert letter not in {
            d["id"] for d in nodes(await documents_of(parent, gid("Child", child.id)))
        }
        assert (await parent.data(NODE, {"id": letter}))["node"] is None
        assert error_codes((await parent.data(MARK_READ, {"id": letter}))["markDocumentRead"]) == [
            "NOT_FOUND"
        ]
    assert (await download(http, link)).status_code == 404
    dashboard = await as_mother.data(
        "query($id: ID!) { viewer { child(id: $id) { unreadDocuments { id } } } }",
        {"id": gid("Child", child.id)},
    )
    assert letter not in {d["id"] for d in dashboard["viewer"]["child"]["unreadDocuments"]}
    # Staff still find it, withdrawn, and its file stays on disk.
    assert [d["document"]["title"] for d in await published(staff, withdrawn=True)] == ["Lettre"]
    assert [d["document"]["title"] for d in await published(staff, withdrawn=False)] == [
        "Classe",
        "Menu",
    ]
    assert (await staff.data(NODE, {"id": letter}))["node"]["title"] == "Lettre"
    assert len(stored_files(settings.documents_dir)) == len(files_before) + 1
    again = (await staff.data(WITHDRAW, {"id": letter}))["withdrawDocument"]
    assert error_codes(again) == ["ALREADY_CANCELLED"]
    assert (
        error_of(await replace(http, staff_user.token, letter, pdf_bytes("v3"), "v3.pdf"))[1]
        == "ALREADY_CANCELLED"
    )
    actions = [e["action"] for e in (await staff.data(TRAIL))["auditTrail"]]
    assert "replaceDocumentFile" in actions and "withdrawDocument" in actions


@pytest.mark.parametrize("who", ["nobody", "PARENT", "TEACHER", "OTHER_SCHOOL"])
async def test_nobody_else_lists_replaces_or_withdraws(
    http: httpx.AsyncClient,
    gql: GraphQL,
    tx: Transactions,
    runtime: Runtime,
    settings: Settings,
    who: str,
) -> None:
    school = await make_school(tx)
    staff_user = await make_user(tx, school, Role.STAFF)
    parent = await make_user(tx, school)
    child = await make_child(tx, school, parent)
    letter = (
        await upload(
            http,
            staff_user.token,
            pdf_bytes("v1"),
            audience="child",
            childId=gid("Child", child.id),
        )
    ).json()["document"]["id"]
    token = None
    if who in ("PARENT", "TEACHER"):
        token = (
            parent.token if who == "PARENT" else (await make_user(tx, school, Role.TEACHER)).token
        )
    elif who == "OTHER_SCHOOL":
        token = (await make_user(tx, await make_school(tx), Role.STAFF)).token
    files = stored_files(settings.documents_dir)
    client = gql.as_(token) if token else gql

    listing = await client.execute(PUBLISHED, {"first": 5})
    withdrawal = await client.execute(WITHDRAW, {"id": letter})
    replaced = await replace(http, token, letter, pdf_bytes("v2"), "v2.pdf")

    if who == "OTHER_SCHOOL":
        assert listing["data"]["publishedDocuments"]["edges"] == []
        assert error_codes(withdrawal["data"]["withdrawDocument"]) == ["NOT_FOUND"]
        assert error_of(replaced)[:2] == (404, "NOT_FOUND")
    elif who == "nobody":
        assert listing["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert replaced.status_code == 401
    else:
        assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert error_codes(withdrawal["data"]["withdrawDocument"]) == ["FORBIDDEN"]
        assert error_of(replaced)[:2] == (403, "FORBIDDEN")
    assert stored_files(settings.documents_dir) == files
    seen = nodes(await documents_of(gql.as_(parent.token), gid("Child", child.id)))
    assert [(d["id"], d["fileName"]) for d in seen] == [(letter, "bulletin.pdf")]


async def test_a_replaced_file_is_mailed_to_its_guardians_in_their_language(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx, name="École des Tilleuls")
    staff_user = await make_user(tx, school, Role.STAFF)
    french = await make_user(tx, school, locale="fr")
    dutch = await make_user(tx, school, locale="nl")
    quiet = await make_user(tx, school, locale="en")
    gone = await make_user(tx, school, locale="fr")
    outside = await make_user(tx, school)
    emma = await make_child(tx, school, french, dutch, quiet, first_name="Emma")
    leaver = await make_child(tx, school, gone, first_name="Noé")
    await make_child(tx, school, outside)
    for child in (emma, leaver):
        await set_class(tx, child, "3A")
    await tx.run(lambda uow: set_preference(uow, actor_for(quiet), "document_published", False))
    letter = (
        await upload(
            http,
            staff_user.token,
            pdf_bytes("v1"),
            title="Sortie au musée",
            date="2026-12-03",
            audience="class",
            className="3A",
        )
    ).json()["document"]["id"]
    assert len(await mails_to(runtime, french.user.email)) == 1
    # Noé left and the school gives no access period: his guardian is no longer told.
    await tx.run(lambda uow: set_leaver_access_days(uow, actor_for(staff_user), 0))
    await tx.run(lambda uow: mark_leaver(uow, actor_for(staff_user), leaver.id or 0))

    answer = await replace(http, staff_user.token, letter, pdf_bytes("v2"), "v2.pdf")
    assert answer.status_code == 200, answer.text

    [_, to_french] = await mails_to(runtime, french.user.email)
    assert to_french["Subject"] == (
        "École des Tilleuls : document mis à jour pour Emma — Sortie au musée"
    )
    assert "a mis à jour un document pour Emma" in text_of(to_french)
    assert "daté du jeudi 3 décembre 2026" in text_of(to_french)
    [_, to_dutch] = await mails_to(runtime, dutch.user.email)
    assert to_dutch["Subject"] == (
        "École des Tilleuls: bijgewerkt document voor Emma — Sortie au musée"
    )
    assert await mails_to(runtime, quiet.user.email) == []  # opted out of document mails
    assert len(await mails_to(runtime, gone.user.email)) == 1  # the first publication only
    assert await mails_to(runtime, outside.user.email) == []
    # A refused file mails nobody.
    refused = await replace(http, staff_user.token, letter, b"not a pdf", "v3.pdf")
    assert refused.status_code == 415
    assert len(await mails_to(runtime, french.user.email)) == 2
