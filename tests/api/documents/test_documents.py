"""Documents over real HTTP: upload, list, download, read markers; refusals store nothing."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from models.accounts import Role
from routes.documents import content_disposition
from services.documents.links import download_url
from services.documents.publishing import Audience
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
    row_counts,
    stored_files,
    upload,
)
from tests.factories import make_child, make_document, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock
from tests.support.files import HTML, ooxml_bytes, pdf_bytes, plain_zip_bytes, png_bytes
from tests.support.graphql import GraphQL, error_codes

LIMIT = 256 * 1024


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    # A small upload limit keeps the size tests fast; the default (20 MB) is tested elsewhere.
    return settings.model_copy(update={"documents_max_bytes": LIMIT})


@pytest.fixture
async def unchanged(runtime: Runtime, settings: Settings) -> AsyncIterator[None]:
    """The test must leave no document row, no read marker and no file behind."""
    before = (await row_counts(runtime), stored_files(settings.documents_dir))
    yield
    assert (await row_counts(runtime), stored_files(settings.documents_dir)) == before


async def test_upload_list_download_and_read_marker(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, settings: Settings
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    mother, father = await make_user(tx, school), await make_user(tx, school)
    child = await make_child(tx, school, mother, father)
    data = pdf_bytes("Bulletin", pad_to=200_000)  # several chunks when streamed
    before = stored_files(settings.documents_dir)

    response = await upload(
        http,
        staff.token,
        data,
        "Bulletin d'Émile.pdf",
        audience="child",
        childId=gid("Child", child.id),
    )
    assert response.status_code == 201, response.text
    created = response.json()["document"]
    assert created["contentType"] == "application/pdf"
    assert created["sizeBytes"] == len(data)
    [stored] = stored_files(settings.documents_dir) - before
    assert stored.read_bytes() == data
    assert "Bulletin" not in str(stored) and len(stored.name) == 32  # a generated name

    as_mother = gql.as_(mother.token)
    [listed] = nodes(await documents_of(as_mother, gid("Child", child.id)))
    assert listed["id"] == created["id"]
    assert (listed["title"], listed["date"], listed["read"]) == ("Bulletin", "2026-11-02", False)
    assert (listed["kind"], listed["fileName"]) == ("uploaded", "Bulletin d'Émile.pdf")

    opened = await download(http, listed["downloadUrl"])
    assert opened.status_code == 200
    assert opened.content == data
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == (
        "inline; filename=\"Bulletin d_Emile.pdf\"; filename*=UTF-8''Bulletin%20d%27%C3%89mile.pdf"
    )
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in opened.headers["cache-control"]

    [after] = nodes(await documents_of(as_mother, gid("Child", child.id)))
    assert after["read"] is True
    # Read markers are per user: the other guardian has not opened it yet.
    [for_father] = nodes(await documents_of(gql.as_(father.token), gid("Child", child.id)))
    assert for_father["read"] is False
    assert nodes(await documents_of(gql.as_(father.token), gid("Child", child.id), unread=True))


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("nobody", 401, "UNAUTHENTICATED"),
        ("forged", 401, "UNAUTHENTICATED"),
        ("parent", 403, "FORBIDDEN"),
    ],
)
async def test_only_staff_upload(
    http: httpx.AsyncClient, tx: Transactions, unchanged: None, who: str, status: int, code: str
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    token = {"nobody": None, "forged": "not-a-session", "parent": family.parent.token}[who]
    assert error_of(await upload(http, token, pdf_bytes())) == (status, code, None)


async def test_oversized_files_are_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, tx: Transactions, unchanged: None
) -> None:
    staff = await make_user(tx, await make_school(tx), Role.STAFF)
    # Just over the limit: the body is read, the file measured.
    just_over = await upload(http, staff.token, pdf_bytes(pad_to=LIMIT + 1))
    assert error_of(just_over) == (413, "FILE_TOO_LARGE", "file")
    # Far over: refused on Content-Length, before the body is read.
    far_over = await upload(http, staff.token, pdf_bytes(pad_to=LIMIT + 200_000))
    assert error_of(far_over) == (413, "FILE_TOO_LARGE", "file")


async def test_a_body_without_length_is_cut_off_at_the_limit(
    http: httpx.AsyncClient, tx: Transactions, unchanged: None
) -> None:
    staff = await make_user(tx, await make_school(tx), Role.STAFF)
    boundary = "cartable-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield head
        for _ in range(64):  # 4 MB offered; the server stops reading long before
            sent += 1
            yield b"%PDF-1.4\n" + b"0" * (64 * 1024 - 9)

    response = await http.post(
        "/documents",
        content=body(),
        headers={
            "authorization": f"Bearer {staff.token}",
            "content-type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert error_of(response) == (413, "FILE_TOO_LARGE", "file")
    assert "content-length" not in response.request.headers
    assert sent < 64  # the rest of the body was never read


async def test_a_file_at_the_limit_is_accepted(http: httpx.AsyncClient, tx: Transactions) -> None:
    school = await make_school(tx)
    await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    response = await upload(http, staff.token, pdf_bytes(pad_to=LIMIT))
    assert response.status_code == 201, response.text
    assert response.json()["document"]["sizeBytes"] == LIMIT


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (png_bytes(), "bulletin.pdf", "application/pdf"),
        (pdf_bytes(), "bulletin.pdf", "image/png"),
        (pdf_bytes(), "photo.png", "image/png"),
        (HTML, "bulletin.pdf", "application/pdf"),
        (plain_zip_bytes(), "lettre.docx", "application/octet-stream"),
        (ooxml_bytes(), "lettre.pdf", "application/pdf"),
    ],
    ids=["png-as-pdf", "pdf-declared-png", "pdf-named-png", "html", "zip-as-docx", "docx-as-pdf"],
)
async def test_files_that_are_not_what_they_say_are_refused_and_nothing_is_stored(
    http: httpx.AsyncClient,
    tx: Transactions,
    unchanged: None,
    data: bytes,
    name: str,
    content_type: str,
) -> None:
    school = await make_school(tx)
    await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    response = await upload(http, staff.token, data, name, content_type)
    assert error_of(response) == (415, "UNSUPPORTED_FILE_TYPE", "file")


async def test_bad_metadata_is_refused_and_nothing_is_stored(
    http: httpx.AsyncClient, tx: Transactions, unchanged: None
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    await make_family(tx, school)
    foreign = await make_child(tx, elsewhere)
    staff = await make_user(tx, school, Role.STAFF)

    async def refused(**fields: str) -> tuple[int, str, str | None]:
        return error_of(await upload(http, staff.token, pdf_bytes(), **fields))

    assert await refused(title="  ") == (400, "INVALID_INPUT", "title")
    assert await refused(date="02/11/2026") == (400, "INVALID_INPUT", "date")
    assert await refused(audience="everyone") == (400, "INVALID_INPUT", "audience")
    assert await refused(audience="class", className="9Z") == (404, "NOT_FOUND", "className")
    assert await refused(audience="child", childId=gid("Child", foreign.id)) == (
        404,
        "NOT_FOUND",
        "childId",
    )
    assert await refused(audience="child", childId="garbage") == (404, "NOT_FOUND", "childId")
    no_file = await http.post(
        "/documents",
        data={"title": "x", "date": "2026-11-02", "audience": "school"},
        files={"other": ("x.pdf", pdf_bytes(), "application/pdf")},
        headers={"authorization": f"Bearer {staff.token}"},
    )
    assert error_of(no_file) == (400, "INVALID_INPUT", "file")
    as_json = await http.post(
        "/documents", json={"title": "x"}, headers={"authorization": f"Bearer {staff.token}"}
    )
    assert error_of(as_json) == (415, "INVALID_INPUT", "file")


async def test_messages_follow_the_staff_locale(http: httpx.AsyncClient, tx: Transactions) -> None:
    school = await make_school(tx)
    staff_en = await make_user(tx, school, Role.STAFF, locale="en")
    staff_fr = await make_user(tx, school, Role.STAFF, locale="fr")
    english = (await upload(http, staff_en.token, png_bytes())).json()["errors"][0]
    french = (await upload(http, staff_fr.token, png_bytes())).json()["errors"][0]
    assert english["message"].startswith("This type of file is not accepted")
    assert french["message"].startswith("Ce type de fichier n'est pas accepté")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bulletin.pdf", "attachment; filename=\"bulletin.pdf\"; filename*=UTF-8''bulletin.pdf"),
        (
            'a"b;c\r\nSet-Cookie: x=1.pdf',
            'attachment; filename="a_b_c__Set-Cookie_ x_1.pdf"; '
            "filename*=UTF-8''a%22b%3Bc%0D%0ASet-Cookie%3A%20x%3D1.pdf",
        ),
        ("日本.pdf", "attachment; filename=\".pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf"),
        ("", "attachment; filename=\"document\"; filename*=UTF-8''"),
    ],
)
def test_content_disposition_cannot_be_broken_out_of(name: str, expected: str) -> None:
    header = content_disposition("attachment", name)
    assert header == expected
    assert "\r" not in header and "\n" not in header


async def links_for(http: httpx.AsyncClient, tx: Transactions, settings: Settings) -> tuple:
    """A family with one document, and its download link."""
    school = await make_school(tx)
    family = await make_family(tx, school)
    document = await make_document(tx, school, Audience(child_id=family.child.id))
    url = download_url(settings, pk(document), family.parent.id, settings.clock())
    return family, document, url


async def read_markers(runtime: Runtime) -> int:
    return (await row_counts(runtime))[1]


async def test_forged_and_altered_links_get_403_and_mark_nothing(
    http: httpx.AsyncClient, tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    family, document, url = await links_for(http, tx, settings)
    _, other_document, other_url = await links_for(http, tx, settings)
    markers = await read_markers(runtime)
    signature = url.rsplit("sig=", 1)[1]
    other_signature = other_url.rsplit("sig=", 1)[1]
    forged = [
        url.replace(f"sig={signature}", "sig=" + "A" * len(signature)),
        url.replace(f"sig={signature}", f"sig={other_signature}"),  # another document's
        url.replace(f"/documents/{document.id}/", f"/documents/{other_document.id}/"),
        url.replace(f"user={family.parent.id}", f"user={family.parent.id + 1}"),
        url.replace("expires=", "expires=9"),
        url.split("?")[0],
    ]
    for link in forged:
        response = await download(http, link)
        assert error_of(response) == (403, "FORBIDDEN", None), link
    assert await read_markers(runtime) == markers
    assert (await download(http, url)).status_code == 200
    assert await read_markers(runtime) == markers + 1


async def test_expired_links_get_403_and_mark_nothing(
    http: httpx.AsyncClient,
    tx: Transactions,
    settings: Settings,
    runtime: Runtime,
    clock: FakeClock,
) -> None:
    _, _, url = await links_for(http, tx, settings)
    markers = await read_markers(runtime)
    clock.advance(minutes=10)
    assert error_of(await download(http, url)) == (403, "FORBIDDEN", None)
    assert await read_markers(runtime) == markers


async def test_a_link_signed_for_another_family_finds_nothing(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    family, document, _ = await links_for(http, tx, settings)
    stranger = await make_family(tx, await make_school(tx))
    neighbour = await make_family(tx, await make_school(tx))
    markers = await read_markers(runtime)
    # Even a genuine signature does not open another family's document: access is checked
    # again when the link is opened, and the answer is the one for a missing document.
    for user in (stranger.parent.id, neighbour.parent.id):
        link = download_url(settings, document.id, user, settings.clock())
        assert error_of(await download(http, link)) == (404, "NOT_FOUND", "documentId")
    missing = download_url(settings, 10**9, family.parent.id, settings.clock())
    assert error_of(await download(http, missing)) == (404, "NOT_FOUND", "documentId")
    assert await read_markers(runtime) == markers

    as_stranger = gql.as_(stranger.parent.token)
    node = await as_stranger.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("Document", document.id)}
    )
    assert node == {"node": None}
    marked = (await as_stranger.data(MARK_READ, {"id": gid("Document", document.id)}))[
        "markDocumentRead"
    ]
    assert marked["document"] is None and error_codes(marked) == ["NOT_FOUND"]
    child = await as_stranger.data(
        "query($id: ID!) { viewer { child(id: $id) { documents { edges { cursor } } } } }",
        {"id": gid("Child", family.child.id)},
    )
    assert child == {"viewer": {"child": None}}
    assert await read_markers(runtime) == markers


async def test_head_shows_the_headers_but_does_not_mark_read(
    http: httpx.AsyncClient, tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    _, document, url = await links_for(http, tx, settings)
    markers = await read_markers(runtime)
    head = await download(http, url, "HEAD")
    assert head.status_code == 200
    assert head.headers["content-length"] == str(document.size_bytes)
    assert head.content == b""
    assert await read_markers(runtime) == markers


async def test_a_file_gone_from_storage_is_404_and_not_marked(
    http: httpx.AsyncClient, tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    _, document, url = await links_for(http, tx, settings)
    (Path(settings.documents_dir) / document.storage_key).unlink()
    markers = await read_markers(runtime)
    assert error_of(await download(http, url)) == (404, "NOT_FOUND", "documentId")
    assert await read_markers(runtime) == markers


async def test_download_urls_expire_ten_minutes_after_they_are_given(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    await make_document(tx, school, Audience(child_id=family.child.id))
    [listed] = nodes(
        await documents_of(gql.as_(family.parent.token), gid("Child", family.child.id))
    )
    clock.advance(timedelta(minutes=9, seconds=59))
    assert (await download(http, listed["downloadUrl"], "HEAD")).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert (await download(http, listed["downloadUrl"], "HEAD")).status_code == 403


async def test_concurrent_uploads_and_downloads_each_get_their_own_file(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    before = stored_files(settings.documents_dir)
    contents = [pdf_bytes(f"lettre {n}") for n in range(20)]
    responses = await asyncio.gather(
        *(
            upload(http, staff.token, data, f"lettre-{n}.pdf", title=f"Lettre {n}")
            for n, data in enumerate(contents)
        )
    )
    assert [r.status_code for r in responses] == [201] * 20
    assert len(stored_files(settings.documents_dir) - before) == 20
    listed = nodes(
        await documents_of(gql.as_(family.parent.token), gid("Child", family.child.id), first=50)
    )
    assert len(listed) == 20
    opened = await asyncio.gather(*(download(http, d["downloadUrl"]) for d in listed))
    by_title = {d["title"]: o.content for d, o in zip(listed, opened, strict=True)}
    assert by_title == {f"Lettre {n}": data for n, data in enumerate(contents)}
    unread = await documents_of(
        gql.as_(family.parent.token), gid("Child", family.child.id), unread=True
    )
    assert unread["edges"] == []
