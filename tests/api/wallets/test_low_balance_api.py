"""A parent sees which wallets are below their threshold and sets their own alert."""

from services.sql.uow import Transactions
from tests.factories import fund, gid, make_family, make_school, wallets_of
from tests.support.graphql import GraphQL, error_codes

ALERTS = """query($c: ID!) { viewer { child(id: $c) { wallets { name
  lowBalanceAlert { threshold { cents } ownThreshold enabled below } } } } }"""
SET = """mutation($w: ID!, $on: Boolean!, $t: Int) {
  setLowBalanceAlert(walletId: $w, enabled: $on, thresholdCents: $t) {
    alert { threshold { cents } ownThreshold enabled below } errors { code field } } }"""


async def test_below_threshold_shown_and_set_by_the_parent(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    family, other = await make_family(tx, school), await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 300)
    await fund(tx, activities.id, 2_000)
    me = gql.as_(family.parent.token)
    child = gid("Child", family.child.id)

    wallets = (await me.data(ALERTS, {"c": child}))["viewer"]["child"]["wallets"]
    assert [(w["name"], w["lowBalanceAlert"]["below"]) for w in wallets] == [
        ("Repas", True),
        ("Activités", False),
    ]
    raised = await me.data(SET, {"w": gid("Wallet", activities.id), "on": True, "t": 2_500})
    assert raised["setLowBalanceAlert"] == {
        "alert": {
            "threshold": {"cents": 2_500},
            "ownThreshold": True,
            "enabled": True,
            "below": True,
        },
        "errors": [],
    }
    negative = await me.data(SET, {"w": gid("Wallet", meals.id), "on": True, "t": -1})
    assert error_codes(negative["setLowBalanceAlert"]) == ["INVALID_AMOUNT"]
    theirs = await gql.as_(other.parent.token).data(
        SET, {"w": gid("Wallet", meals.id), "on": False, "t": None}
    )
    assert [(e["code"], e["field"]) for e in theirs["setLowBalanceAlert"]["errors"]] == [
        ("NOT_FOUND", "walletId")
    ]
