"""A child's documents: who sees which, pages in SQL, read markers, the publish mail."""

import asyncio
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.accounts import Role
from models.documents import DocumentRead
from models.family import Child
from services.documents.publishing import Audience
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.accounts.test_accounts import gid
from tests.api.documents.helpers import MARK_READ, documents_of, download, nodes, upload
from tests.factories import (
    Family,
    make_child,
    make_document,
    make_family,
    make_school,
    make_user,
    set_class,
)
from tests.support.files import pdf_bytes
from tests.support.graphql import GraphQL, GraphQLErrors, error_codes
from tests.support.mail import mails_to, text_of


async def test_pages_go_newest_first_across_pages_without_gaps(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    child = family.child
    sibling_class = await make_child(tx, school)  # same class "1A", different child
    days = [date(2026, 9, 1), date(2026, 10, 5), date(2026, 10, 5), date(2026, 10, 5)]
    days += [date(2026, 11, 1), date(2026, 9, 1), date(2026, 12, 24)]
    published = [
        await make_document(tx, school, Audience(child_id=child.id), title=f"doc{n}", day=day)
        for n, day in enumerate(days)
    ]
    await make_document(tx, school, Audience(child_id=sibling_class.id), title="not ours")
    expected = [d.title for d in sorted(published, key=lambda d: (d.date, d.id), reverse=True)]
    as_parent = gql.as_(family.parent.token)

    seen, after, pages = [], None, 0
    while True:
        page = await documents_of(as_parent, gid("Child", child.id), first=3, after=after)
        pages += 1
        seen += [n["title"] for n in nodes(page)]
        assert page["pageInfo"]["endCursor"] == (
            page["edges"][-1]["cursor"] if page["edges"] else None
        )
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert pages == 3

    # Unread only, paged too: mark two read, the other five come in the same order.
    for document in published[1:3]:
        marked = await as_parent.data(MARK_READ, {"id": gid("Document", document.id)})
        assert marked["markDocumentRead"]["document"]["read"] is True
    unread_titles = [t for t in expected if t not in ("doc1", "doc2")]
    first = await documents_of(as_parent, gid("Child", child.id), first=2, unread=True)
    rest = await documents_of(
        as_parent,
        gid("Child", child.id),
        first=10,
        unread=True,
        after=first["pageInfo"]["endCursor"],
    )
    assert [n["title"] for n in nodes(first) + nodes(rest)] == unread_titles
    assert rest["pageInfo"]["hasNextPage"] is False
    empty = await documents_of(as_parent, gid("Child", child.id), first=0)
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    "arguments", [{"after": "garbage"}, {"after": "Zm9v"}, {"first": 101}, {"first": -1}]
)
async def test_bad_page_arguments_are_invalid_input(
    gql: GraphQL, tx: Transactions, arguments: dict
) -> None:
    family = await make_family(tx, await make_school(tx))
    with pytest.raises(GraphQLErrors) as failed:
        await documents_of(gql.as_(family.parent.token), gid("Child", family.child.id), **arguments)
    [error] = failed.value.args[0]
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_audiences_child_class_and_school_fixed_at_publication(
    gql: GraphQL, tx: Transactions
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    family = await make_family(tx, school)
    classmate = await make_family(tx, school)
    other_class = await make_family(tx, school)
    await set_class(tx, other_class.child, "2B")
    await make_family(tx, elsewhere)
    await make_document(tx, school, Audience.whole_school(), title="school")
    await make_document(tx, school, Audience.school_class("1A"), title="class 1A")
    await make_document(tx, school, Audience(child_id=family.child.id), title="mine")
    await make_document(tx, elsewhere, Audience.whole_school(), title="another school")

    async def titles(who: Family, child: Child) -> list[str]:
        page = await documents_of(gql.as_(who.parent.token), gid("Child", child.id))
        return [n["title"] for n in nodes(page)]

    assert sorted(await titles(family, family.child)) == ["class 1A", "mine", "school"]
    assert sorted(await titles(classmate, classmate.child)) == ["class 1A", "school"]
    assert await titles(other_class, other_class.child) == ["school"]
    # A pupil who joins 1A later does not inherit its past letters, and one who leaves keeps them.
    await set_class(tx, other_class.child, "1A")
    await set_class(tx, classmate.child, "2B")
    assert await titles(other_class, other_class.child) == ["school"]
    assert sorted(await titles(classmate, classmate.child)) == ["class 1A", "school"]


async def test_staff_see_their_schools_documents_with_their_own_read_markers(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    outsider = await make_user(tx, await make_school(tx), Role.STAFF)
    document = await make_document(tx, school, Audience(child_id=family.child.id))
    [seen] = nodes(await documents_of(gql.as_(staff.token), gid("Child", family.child.id)))
    assert (seen["title"], seen["read"]) == (document.title, False)
    node = await gql.as_(outsider.token).data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Document", document.id)}
    )
    assert node == {"node": None}


async def test_mark_read_is_idempotent_and_one_row_wins_a_race(
    gql: GraphQL, tx: Transactions, runtime: Runtime, http: httpx.AsyncClient
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    document = await make_document(tx, school, Audience(child_id=family.child.id))
    as_parent = gql.as_(family.parent.token)
    variables = {"id": gid("Document", document.id)}

    results = await asyncio.gather(*(as_parent.data(MARK_READ, variables) for _ in range(40)))
    assert all(r["markDocumentRead"]["errors"] == [] for r in results)
    assert all(r["markDocumentRead"]["document"]["read"] is True for r in results)
    again = (await as_parent.data(MARK_READ, variables))["markDocumentRead"]
    assert again["document"]["read"] is True
    async with runtime.database.read() as session:
        rows = await session.scalar(
            select(func.count()).where(col(DocumentRead.document_id) == document.id)
        )
    assert rows == 1
    # Opening it afterwards changes nothing either.
    [listed] = nodes(await documents_of(as_parent, gid("Child", family.child.id)))
    assert (await download(http, listed["downloadUrl"])).status_code == 200
    async with runtime.database.read() as session:
        assert (
            await session.scalar(
                select(func.count()).where(col(DocumentRead.document_id) == document.id)
            )
            == 1
        )


async def test_mark_read_of_unknown_ids_is_not_found(gql: GraphQL, tx: Transactions) -> None:
    family = await make_family(tx, await make_school(tx))
    for bad in ["garbage", gid("Child", family.child.id), gid("Document", 10**9)]:
        payload = (await gql.as_(family.parent.token).data(MARK_READ, {"id": bad}))[
            "markDocumentRead"
        ]
        assert error_codes(payload) == ["NOT_FOUND"]
        assert payload["errors"][0]["field"] == "documentId"


async def test_parents_are_mailed_in_their_language_once_each(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx, name="École des Tilleuls")
    staff = await make_user(tx, school, Role.STAFF)
    french = await make_user(tx, school, locale="fr")
    english = await make_user(tx, school, locale="en")
    outside = await make_user(tx, school)
    twins = [
        await make_child(tx, school, french, first_name="Emma"),
        await make_child(tx, school, french, english, first_name="Lucas"),
    ]
    for twin in twins:
        await set_class(tx, twin, "3A")
    await make_child(tx, school, outside)  # class 1A

    response = await upload(
        http,
        staff.token,
        pdf_bytes(),
        title="Sortie au musée",
        date="2026-12-03",
        audience="class",
        className="3A",
    )
    assert response.status_code == 201, response.text

    [to_french] = await mails_to(runtime, french.user.email)
    assert to_french["Subject"] == (
        "École des Tilleuls : nouveau document pour Emma et Lucas — Sortie au musée"
    )
    assert "daté du jeudi 3 décembre 2026" in text_of(to_french)
    [to_english] = await mails_to(runtime, english.user.email)
    assert to_english["Subject"] == ("École des Tilleuls: new document for Lucas — Sortie au musée")
    assert "dated Thursday, 3 December 2026" in text_of(to_english)
    # No download link in a mail: links are short-lived and bound to a signed-in user.
    assert "sig=" not in text_of(to_english)
    assert await mails_to(runtime, outside.user.email) == []


async def test_a_refused_upload_mails_nobody(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    response = await upload(http, staff.token, b"not a pdf", audience="school")
    assert response.status_code == 415
    assert await mails_to(runtime, family.parent.user.email) == []
