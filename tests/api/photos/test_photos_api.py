"""Photo campaigns through the API: staff open one (GraphQL), add a proof (HTTP), parents see
it for their child only, the production list as CSV, the switch off."""

import csv
import io
from datetime import timedelta

import httpx

from models.accounts import Role
from schema.ids import db_id_of
from services.common.school_time import local_today, zone
from services.photos.orders import OrderLine, order_photos
from services.sql.uow import Transactions
from settings import Settings
from tests.api.documents.helpers import stored_files
from tests.factories import actor_for, gid, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock
from tests.support.files import plain_zip_bytes, png_bytes
from tests.support.graphql import GraphQL

OPEN = """
mutation($title: String!, $until: Date!, $classes: [String!]) {
  openPhotoCampaign(title: $title, orderUntil: $until, classNames: $classes,
    articles: [{name: "Portrait", priceCents: 900}, {name: "Groupe", priceCents: 550}]) {
    campaign { id title orderUntil articles { id name price { cents } } }
    errors { code field message }
  }
}"""
CAMPAIGNS = """
query($id: ID!) { viewer { child(id: $id) {
  photoCampaigns { id title orderUntil articles { name price { cents } }
    proofs { id kind title read fileName } }
} } }"""


async def _proof(
    http: httpx.AsyncClient, token: str | None, campaign: str, child: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        f"/photo-campaigns/{campaign}/proofs",
        files={"file": ("emma.png", png_bytes(), "image/png")},
        data={"childId": child},
        headers=headers,
    )


async def test_campaign_proofs_and_production_list(
    gql: GraphQL, http: httpx.AsyncClient, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx, feature_photos=True)
    staff = await make_user(tx, school, Role.STAFF)
    family, classmate = await make_family(tx, school), await make_family(tx, school)
    until = (local_today(clock(), zone("Europe/Brussels")) + timedelta(days=7)).isoformat()

    opened = await gql.as_(staff.token).data(OPEN, {"title": "Photos 2026", "until": until})
    payload = opened["openPhotoCampaign"]
    assert payload["errors"] == []
    campaign = payload["campaign"]
    assert [(a["name"], a["price"]["cents"]) for a in campaign["articles"]] == [
        ("Portrait", 900),
        ("Groupe", 550),
    ]
    refused = await gql.as_(family.parent.token).data(OPEN, {"title": "X", "until": until})
    assert [e["code"] for e in refused["openPhotoCampaign"]["errors"]] == ["FORBIDDEN"]

    child = gid("Child", pk(family.child))
    response = await _proof(http, staff.token, campaign["id"], child)
    assert response.status_code == 201, response.text
    assert response.json()["document"]["kind"] == "photo_proof"
    assert (await _proof(http, family.parent.token, campaign["id"], child)).status_code == 403
    assert (await _proof(http, staff.token, "nope", child)).status_code == 404

    mine = await gql.as_(family.parent.token).data(CAMPAIGNS, {"id": child})
    [seen] = mine["viewer"]["child"]["photoCampaigns"]
    assert seen["title"] == "Photos 2026" and seen["orderUntil"] == until
    assert [(p["kind"], p["read"], p["fileName"]) for p in seen["proofs"]] == [
        ("photo_proof", False, "emma.png")
    ]
    theirs = await gql.as_(classmate.parent.token).data(
        CAMPAIGNS, {"id": gid("Child", pk(classmate.child))}
    )
    assert theirs["viewer"]["child"]["photoCampaigns"][0]["proofs"] == []
    # Another family's child: not there at all.
    other = await gql.as_(classmate.parent.token).data(CAMPAIGNS, {"id": child})
    assert other["viewer"]["child"] is None

    campaign_id = db_id_of(campaign["id"], "PhotoCampaign")
    article_id = db_id_of(campaign["articles"][0]["id"], "PhotoArticle")
    assert campaign_id is not None and article_id is not None
    await tx.run(
        lambda uow: order_photos(
            uow,
            actor_for(family.parent),
            child_id=pk(family.child),
            campaign_id=campaign_id,
            lines=[OrderLine(article_id, 2)],
            idempotency_key="api-1",
        )
    )
    url = f"/photo-campaigns/{campaign['id']}/production.csv"
    listed = await http.get(url, headers={"authorization": f"Bearer {staff.token}"})
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith("text/csv")
    assert listed.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig")), delimiter=";"))
    name = f"{family.child.last_name} {family.child.first_name}"
    assert rows == [["child", "class", "article", "quantity"], [name, "1A", "Portrait", "2"]]
    reports = await gql.as_(staff.token).data(
        "{ photoCampaignReports { campaign { title } orders total { cents } productionListPath } }"
    )
    assert reports["photoCampaignReports"] == [
        {
            "campaign": {"title": "Photos 2026"},
            "orders": 1,
            "total": {"cents": 1800},
            "productionListPath": url,
        }
    ]
    as_parent = await http.get(url, headers={"authorization": f"Bearer {family.parent.token}"})
    assert as_parent.status_code == 403
    assert (await http.get(url)).status_code == 401


async def test_switch_off_is_feature_disabled(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx, feature_photos=False)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    opened = await gql.as_(staff.token).data(OPEN, {"title": "X", "until": "2026-12-01"})
    assert [e["code"] for e in opened["openPhotoCampaign"]["errors"]] == ["FEATURE_DISABLED"]
    body = await gql.as_(family.parent.token).execute(
        CAMPAIGNS, {"id": gid("Child", pk(family.child))}
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FEATURE_DISABLED"]


async def test_a_refused_proof_leaves_nothing_behind(
    gql: GraphQL, http: httpx.AsyncClient, tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    school = await make_school(tx, feature_photos=True)
    elsewhere = await make_school(tx, feature_photos=True)
    staff = await make_user(tx, school, Role.STAFF)
    family, stranger = await make_family(tx, school), await make_family(tx, elsewhere)
    until = (local_today(clock(), zone("Europe/Brussels")) + timedelta(days=7)).isoformat()
    opened = await gql.as_(staff.token).data(OPEN, {"title": "Photos", "until": until})
    campaign = opened["openPhotoCampaign"]["campaign"]["id"]
    headers = {"authorization": f"Bearer {staff.token}"}
    child = gid("Child", pk(family.child))
    before = stored_files(settings.documents_dir)

    impostor = await http.post(
        f"/photo-campaigns/{campaign}/proofs",
        files={"file": ("photo.png", plain_zip_bytes(), "image/png")},
        data={"childId": child},
        headers=headers,
    )
    assert impostor.status_code == 415
    assert impostor.json()["errors"][0]["code"] == "UNSUPPORTED_FILE_TYPE"
    foreign = await _proof(http, staff.token, campaign, gid("Child", pk(stranger.child)))
    assert foreign.status_code == 404
    mine = await gql.as_(family.parent.token).data(CAMPAIGNS, {"id": child})
    assert mine["viewer"]["child"]["photoCampaigns"][0]["proofs"] == []
    assert stored_files(settings.documents_dir) == before
