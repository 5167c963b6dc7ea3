"""Children's wallets follow the school's settings; communications; the school's bank account."""

import asyncio

from stdnum.be import ogm_vcs

from models.accounts import Role
from models.family import Child
from services.common.errors import DomainError
from services.family import children as family
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import settings_changes as wallet_settings
from services.wallets import wallets
from services.wallets.communication import WALLET, communication_for, parse_communication
from services.wallets.settings import create_wallets
from tests.factories import actor_for, make_family, make_school, make_user, wallets_of


async def code_of(tx: Transactions, work) -> str:
    try:
        await tx.run(work)
    except DomainError as error:
        return error.code.value
    return "ok"


async def test_a_new_child_gets_the_schools_two_wallets(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    child = await tx.run(
        lambda uow: family.create_child(
            uow, actor_for(staff), first_name="Zoé", last_name="Lambert"
        )
    )
    found = await wallets_of(tx, child)
    assert [(w.slot, w.name, w.balance_cents) for w in found] == [
        (1, "Repas", 0),
        (2, "Activités", 0),
    ]


async def test_one_wallet_schools_and_going_to_two(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    change = wallet_settings.SettingsChange
    await tx.run(
        lambda uow: wallet_settings.update_money_settings(
            uow, staff, change(wallet_count=1, wallet_names=("Portefeuille", None))
        )
    )
    family_ = await make_family(tx, school)
    assert [w.name for w in await wallets_of(tx, family_.child)] == ["Portefeuille"]

    settings = await tx.run(
        lambda uow: wallet_settings.update_money_settings(
            uow, staff, change(wallet_count=2, wallet_names=("Cantine", "Sorties"))
        )
    )
    assert settings.wallet_names == ("Cantine", "Sorties")
    assert [w.name for w in await wallets_of(tx, family_.child)] == ["Cantine", "Sorties"]
    back = lambda uow: wallet_settings.update_money_settings(uow, staff, change(wallet_count=1))  # noqa: E731
    assert await code_of(tx, back) == "INVALID_INPUT"


async def test_settings_are_for_staff_and_must_make_sense(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    parent = actor_for(await make_user(tx, school))
    change = wallet_settings.SettingsChange

    def update(who, **values):
        return lambda uow: wallet_settings.update_money_settings(uow, who, change(**values))

    assert await code_of(tx, update(parent, top_up_min_cents=100)) == "FORBIDDEN"
    assert await code_of(tx, update(staff, top_up_min_cents=600, top_up_max_cents=500)) == (
        "INVALID_AMOUNT"
    )
    assert await code_of(tx, update(staff, wallet_count=3)) == "INVALID_INPUT"
    assert await code_of(tx, update(staff, wallet_names=(" ", None))) == "INVALID_INPUT"
    assert await code_of(tx, update(staff, top_up_min_cents=1000)) == "ok"


async def test_racing_wallet_creation_never_doubles_a_wallet(tx: Transactions) -> None:
    school = await make_school(tx)
    assert school.id is not None
    school_id = school.id

    async def bare_child(uow: UnitOfWork) -> Child:
        child = Child(school_id=school_id, first_name="Noé", last_name="Test", created_at=uow.now)
        uow.session.add(child)
        await uow.session.flush()
        return child

    child = await tx.run(bare_child)
    assert child.id is not None and await wallets_of(tx, child) == []
    child_id = child.id
    await asyncio.gather(
        *[tx.run(lambda uow: create_wallets(uow, school_id, [child_id])) for _ in range(10)]
    )
    assert [w.slot for w in await wallets_of(tx, child)] == [1, 2]


async def test_structured_communications_are_valid_unique_and_name_their_wallet(
    tx: Transactions,
) -> None:
    families = [await make_family(tx, await make_school(tx)) for _ in range(3)]
    found = [w for f in families for w in await wallets_of(tx, f.child)]
    texts = [w.structured_communication for w in found]
    assert len(set(texts)) == len(texts)
    for wallet, text in zip(found, texts, strict=True):
        assert text.startswith("+++") and text.endswith("+++") and len(text) == 20
        assert ogm_vcs.is_valid(text)
        assert parse_communication(text) == (WALLET, wallet.id)
        assert parse_communication(text.strip("+").replace("/", "")) == (WALLET, wallet.id)
    assert [
        w.structured_communication for f in families for w in await wallets_of(tx, f.child)
    ] == texts


def test_check_digits_are_97_when_the_base_divides_by_97() -> None:
    object_id = -(10**9) % 97  # makes "1" + id on nine digits a multiple of 97
    text = communication_for(WALLET, object_id)
    assert text.endswith("97+++")
    assert ogm_vcs.is_valid(text)
    assert parse_communication("+++100/0000/01228+++") is None  # wrong check digits


async def test_meals_are_paid_from_the_wallet_the_school_chose(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family_ = await make_family(tx, school)
    assert family_.child.id is not None
    child_id = family_.child.id
    paying = await tx.read(lambda s: wallets.paying_wallet(s, child_id, "meals"))
    assert paying.slot == 1
    await tx.run(
        lambda uow: wallet_settings.update_money_settings(
            uow, staff, wallet_settings.SettingsChange(meal_wallet_slot=2)
        )
    )
    paying = await tx.read(lambda s: wallets.paying_wallet(s, child_id, "meals"))
    assert (paying.slot, paying.name) == (2, "Activités")


async def test_the_bank_account_is_checked_with_schwifty(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))

    def set_account(iban: str, bic: str | None = None):
        return lambda uow: wallet_settings.set_bank_account(
            uow, staff, iban=iban, bic=bic, holder="École ASBL"
        )

    saved = await tx.run(set_account("be71 0961 2345 6769"))
    assert (saved.bank_iban, saved.bank_bic) == ("BE71096123456769", "GKCCBEBB")
    assert await code_of(tx, set_account("BE71 0961 2345 6768")) == "INVALID_INPUT"
    assert await code_of(tx, set_account("BE71 0961 2345 6769", "NOT A BIC")) == "INVALID_INPUT"
