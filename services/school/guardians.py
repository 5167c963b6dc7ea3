"""Staff actions on guardians: link, unlink, re-send the invitation, disable the account."""

from models.accounts import TokenPurpose, User
from services.accounts import sessions
from services.accounts.actor import Actor
from services.accounts.users import _issue_token, _mail_token
from services.common.errors import DomainError, ErrorCode
from services.family.children import link_guardian as add_guardianship
from services.school import directory
from services.school.directory import GuardianView
from services.sql.uow import UnitOfWork


async def link_guardian(
    uow: UnitOfWork, actor: Actor, *, guardian_id: int, child_id: int
) -> GuardianView:
    """An existing parent account becomes a guardian of another child (idempotent)."""
    user = await directory.school_parent(uow.session, actor, guardian_id)
    await directory.school_child(uow.session, actor, child_id)
    await add_guardianship(uow, actor.school_id, guardian_id, child_id)
    return directory.guardian_view(user)


async def unlink_guardian(
    uow: UnitOfWork, actor: Actor, *, guardian_id: int, child_id: int
) -> GuardianView:
    user = await directory.school_parent(uow.session, actor, guardian_id)
    await directory.unlink(uow.session, actor, guardian_id, child_id)
    return directory.guardian_view(user)


async def resend_invitation(uow: UnitOfWork, actor: Actor, *, guardian_id: int) -> GuardianView:
    """A fresh activation link by mail; the older ones stop working. Only for invited accounts."""
    user = await directory.school_parent(uow.session, actor, guardian_id)
    if directory.state_of(user) != directory.AccountState.INVITED:
        raise DomainError(ErrorCode.INVALID_INPUT, "guardianId")
    raw = await _issue_token(uow, user, TokenPurpose.ACTIVATION)
    await _mail_token(uow, user, "invitation", raw)
    return directory.guardian_view(user)


async def disable_account(uow: UnitOfWork, actor: Actor, *, guardian_id: int) -> GuardianView:
    """The account can no longer sign in; every session ends now and open sockets close."""
    user: User = await directory.school_parent(uow.session, actor, guardian_id)
    if user.disabled_at is None:
        user.disabled_at = uow.now
        uow.session.add(user)
        await uow.session.flush()
    assert user.id is not None
    await sessions.revoke(uow, user.id)
    return directory.guardian_view(user)
