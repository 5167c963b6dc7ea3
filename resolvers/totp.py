"""Two-factor sign-in: completing a sign-in, enrolling, turning it off, the school's rule."""

import strawberry

from resolvers.common import client_address
from schema.access import actor_of, audit_context, run
from schema.accounts import AuthPayload, User
from schema.context import Info
from schema.errors import catches_user_errors, user_error
from schema.totp import (
    DisableTotpPayload,
    TotpConfirmationPayload,
    TotpEnrolmentPayload,
    TotpRequirementPayload,
)
from services.accounts import second_step, totp
from web_access import cookies


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="The second step of `login`: a code from the app, or one recovery code."
    )
    async def complete_login(self, info: Info, ticket: str, code: str) -> AuthPayload:
        outcome = await second_step.complete_login(
            info.context.runtime.transactions,
            ticket=ticket,
            code=code,
            address=client_address(info.context.request),
        )
        if outcome.error is not None:
            return AuthPayload(errors=[user_error(info, outcome.error)])
        assert outcome.completed is not None
        done = outcome.completed
        cookies.remember(info.context.response, info.context.runtime.settings, done.token)
        return AuthPayload(token=done.token, user=User.from_view(done.user))

    @strawberry.mutation(
        description="A new secret for the authenticator app, active once confirmed. Signed in, "
        "or with the ticket `login` gave when the school requires two-factor sign-in."
    )
    @catches_user_errors(TotpEnrolmentPayload)
    async def start_totp_enrolment(
        self, info: Info, ticket: str | None = None
    ) -> TotpEnrolmentPayload:
        if ticket is not None:
            enrolment = await second_step.with_enrolment_ticket(
                info.context.runtime.transactions,
                ticket,
                "startTotpEnrolment",
                lambda uow, user: totp.start_enrolment(uow, _id(user.id)),
            )
        else:
            actor = actor_of(info)
            enrolment = await run(info, lambda uow: totp.start_enrolment(uow, actor.user_id))
        return TotpEnrolmentPayload(
            secret=enrolment.secret, uri=enrolment.uri, qr_code=enrolment.qr_svg
        )

    @strawberry.mutation(
        description="A first code turns two-factor sign-in on; the answer holds the recovery "
        "codes, shown once. With a ticket, it also signs in."
    )
    @catches_user_errors(TotpConfirmationPayload)
    async def confirm_totp_enrolment(
        self, info: Info, code: str, ticket: str | None = None
    ) -> TotpConfirmationPayload:
        tx = info.context.runtime.transactions
        if ticket is not None:
            user = await second_step.user_of_enrolment_ticket(tx, ticket)
            codes, token = await second_step.confirm_with_ticket(tx, ticket, code)
            cookies.remember(info.context.response, info.context.runtime.settings, token)
            return TotpConfirmationPayload(
                recovery_codes=codes, token=token, user=User.from_view(user)
            )
        actor = actor_of(info)
        codes = await run(info, lambda uow: totp.confirm_enrolment(uow, actor.user_id, code))
        return TotpConfirmationPayload(recovery_codes=codes)

    @strawberry.mutation(description="Turn two-factor sign-in off with a current code.")
    @catches_user_errors(DisableTotpPayload)
    async def disable_totp(self, info: Info, code: str) -> DisableTotpPayload:
        actor = actor_of(info)
        await second_step.disable_totp(
            info.context.runtime.transactions,
            actor,
            code,
            client_address(info.context.request),
            audit_context(info),
        )
        return DisableTotpPayload(disabled=True)

    @strawberry.mutation(
        description="Staff: whether staff and teachers must use two-factor sign-in."
    )
    @catches_user_errors(TotpRequirementPayload)
    async def set_totp_required_for_staff(
        self, info: Info, required: bool
    ) -> TotpRequirementPayload:
        actor = actor_of(info)
        now = await run(info, lambda uow: totp.require_for_staff(uow, actor, required))
        return TotpRequirementPayload(totp_required_for_staff=now)


def _id(user_id: int | None) -> int:
    assert user_id is not None
    return user_id
