"""Bank money: the staff's unmatched queue (assign, return) and the parent's announced transfer."""

import strawberry

from resolvers.billing import shown
from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.banking import BankLine, BankLinePayload, BankStatement
from schema.context import Info
from schema.errors import catches_user_errors, refused
from schema.wallets import PendingTransfer, PendingTransferPayload, Wallet
from services.banking import announcements, assigning, queue
from services.common.errors import DomainError


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: credit lines of imported statements that named no wallet, oldest first, with likely wallets."
    )
    async def unmatched_bank_lines(self, info: Info) -> list[BankLine]:
        actor = actor_of(info)
        try:
            views = await read(info, lambda s: queue.unmatched_lines(s, actor))
        except DomainError as error:
            raise refused(info, error) from None
        suggested = [s.invoice for v in views for s in v.suggestions if s.invoice is not None]
        invoices = {
            i.view.id: i for i in await shown(info, list({v.id: v for v in suggested}.values()))
        }
        return [BankLine.from_view(view, invoices) for view in views]

    @strawberry.field(
        description="Staff: the bank statements imported, latest first, with who imported each."
    )
    async def bank_statements(self, info: Info, first: int = 20) -> list[BankStatement]:
        actor = actor_of(info)
        try:
            views = await read(info, lambda s: queue.imported_statements(s, actor, first))
        except DomainError as error:
            raise refused(info, error) from None
        return [BankStatement.from_view(view) for view in views]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Staff: credit an unmatched statement line to a wallet (once; then it leaves the queue)."
    )
    @catches_user_errors(BankLinePayload)
    async def assign_bank_line(
        self, info: Info, line_id: strawberry.ID, wallet_id: strawberry.ID
    ) -> BankLinePayload:
        actor = actor_of(info)
        line = require_id(line_id, "BankLine", "lineId")
        wallet = require_id(wallet_id, "Wallet", "walletId")
        view, after = await run(
            info, lambda uow: assigning.assign_line(uow, actor, line, wallet_id=wallet)
        )
        return BankLinePayload(line=BankLine.from_view(view), wallet=Wallet.from_view(after))

    @strawberry.mutation(
        description="Staff: pay an invoice with an unmatched statement line (once; what exceeds its due goes to the child's first wallet)."
    )
    @catches_user_errors(BankLinePayload)
    async def assign_bank_line_to_invoice(
        self, info: Info, line_id: strawberry.ID, invoice_id: strawberry.ID
    ) -> BankLinePayload:
        actor = actor_of(info)
        line = require_id(line_id, "BankLine", "lineId")
        invoice = require_id(invoice_id, "Invoice", "invoiceId")
        view, paid, excess = await run(
            info,
            lambda uow: assigning.assign_line_to_invoice(uow, actor, line, invoice_id=invoice),
        )
        [shown_invoice] = await shown(info, [paid])
        return BankLinePayload(
            line=BankLine.from_view(view),
            invoice=shown_invoice,
            wallet=None if excess is None else Wallet.from_view(excess),
        )

    @strawberry.mutation(
        description="Staff: an unmatched line is to be sent back to its sender (never credited), with why."
    )
    @catches_user_errors(BankLinePayload)
    async def return_bank_line(
        self, info: Info, line_id: strawberry.ID, note: str
    ) -> BankLinePayload:
        actor = actor_of(info)
        line = require_id(line_id, "BankLine", "lineId")
        view = await run(info, lambda uow: assigning.return_line(uow, actor, line, note))
        return BankLinePayload(line=BankLine.from_view(view))

    @strawberry.mutation(
        description='"I have sent a transfer": shown in Wallet.pendingTransfers until a statement credits the wallet with that amount.'
    )
    @catches_user_errors(PendingTransferPayload)
    async def announce_bank_transfer(
        self, info: Info, wallet_id: strawberry.ID, amount_cents: int, idempotency_key: str
    ) -> PendingTransferPayload:
        actor = actor_of(info)
        wallet = require_id(wallet_id, "Wallet", "walletId")
        view = await run(
            info,
            lambda uow: announcements.announce_transfer(
                uow,
                actor,
                wallet_id=wallet,
                amount_cents=amount_cents,
                idempotency_key=idempotency_key,
            ),
        )
        return PendingTransferPayload(pending_transfer=PendingTransfer.from_view(view))
