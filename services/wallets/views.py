"""What the money services answer: plain frozen values, JSON both ways.

JSON because the same values travel in `walletChanged` events and are stored as the answer of
an idempotent mutation (a retry gets exactly the first answer back).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col

from models.ledger import OperationType, PaymentMethod, Posting
from models.wallets import Wallet
from services.wallets.communication import WALLET, communication_for

# The columns a view is made of, in the order of its positional constructor (WalletView) or
# of_values (OperationView): for lists read as columns rather than ORM objects.
WALLET_COLUMNS = (
    col(Wallet.id),
    col(Wallet.school_id),
    col(Wallet.child_id),
    col(Wallet.slot),
    col(Wallet.name),
    col(Wallet.balance_cents),
)
OPERATION_COLUMNS = (
    col(Posting.id),
    col(Posting.transaction_id),
    col(Posting.wallet_id),
    col(Posting.child_id),
    col(Posting.operation_type),
    col(Posting.method),
    col(Posting.amount_cents),
    col(Posting.balance_after_cents),
    col(Posting.label),
    col(Posting.at),
)


def wallet_channel(child_id: int) -> str:
    """Where `walletChanged(childId)` events go: every movement on any of the child's wallets."""
    return f"wallets:child:{child_id}"


@dataclass(frozen=True)
class WalletView:
    id: int
    school_id: int
    child_id: int
    slot: int
    name: str
    balance_cents: int

    @property
    def structured_communication(self) -> str:
        return communication_for(WALLET, self.id)

    @classmethod
    def of(cls, row: Wallet) -> "WalletView":
        assert row.id is not None
        return cls(row.id, row.school_id, row.child_id, row.slot, row.name, row.balance_cents)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schoolId": self.school_id,
            "childId": self.child_id,
            "slot": self.slot,
            "name": self.name,
            "balanceCents": self.balance_cents,
            "structuredCommunication": self.structured_communication,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "WalletView":
        return cls(
            int(data["id"]),
            int(data["schoolId"]),
            int(data["childId"]),
            int(data["slot"]),
            str(data["name"]),
            int(data["balanceCents"]),
        )


@dataclass(frozen=True)
class OperationView:
    """One movement of one wallet, as the parent sees it (a posting on the wallet)."""

    id: int
    transaction_id: int
    wallet_id: int
    child_id: int
    type: OperationType
    method: PaymentMethod
    amount_cents: int  # signed: positive credits the wallet
    balance_after_cents: int
    label: str
    at: datetime

    @classmethod
    def of(cls, posting: Posting) -> "OperationView":
        return cls.of_values(
            posting.id,
            posting.transaction_id,
            posting.wallet_id,
            posting.child_id,
            posting.operation_type,
            posting.method,
            posting.amount_cents,
            posting.balance_after_cents,
            posting.label,
            posting.at,
        )

    @classmethod
    def of_values(cls, *values: Any) -> "OperationView":
        """From the values of OPERATION_COLUMNS, in that order."""
        (id_, transaction_id, wallet_id, child_id, type_, method, amount, after, label, at) = values
        assert id_ is not None and wallet_id is not None
        assert child_id is not None and after is not None
        return cls(
            id=id_,
            transaction_id=transaction_id,
            wallet_id=wallet_id,
            child_id=child_id,
            type=OperationType(type_ or ""),
            method=PaymentMethod(method or ""),
            amount_cents=amount,
            balance_after_cents=after,
            label=label or "",
            at=at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "transactionId": self.transaction_id,
            "walletId": self.wallet_id,
            "childId": self.child_id,
            "type": self.type.value,
            "method": self.method.value,
            "amountCents": self.amount_cents,
            "balanceAfterCents": self.balance_after_cents,
            "label": self.label,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "OperationView":
        return cls(
            int(data["id"]),
            int(data["transactionId"]),
            int(data["walletId"]),
            int(data["childId"]),
            OperationType(data["type"]),
            PaymentMethod(data["method"]),
            int(data["amountCents"]),
            int(data["balanceAfterCents"]),
            str(data["label"]),
            datetime.fromisoformat(data["at"]),
        )


@dataclass(frozen=True)
class Posted:
    """A committed-to-be journal transaction: its wallet movements and the wallets after them."""

    transaction_id: int
    operations: tuple[OperationView, ...]
    wallets: tuple[WalletView, ...]

    def wallet(self, wallet_id: int) -> WalletView:
        return next(w for w in self.wallets if w.id == wallet_id)

    def operation(self, wallet_id: int) -> OperationView:
        return next(o for o in self.operations if o.wallet_id == wallet_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "transactionId": self.transaction_id,
            "operations": [o.to_json() for o in self.operations],
            "wallets": [w.to_json() for w in self.wallets],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Posted":
        return cls(
            int(data["transactionId"]),
            tuple(OperationView.from_json(o) for o in data["operations"]),
            tuple(WalletView.from_json(w) for w in data["wallets"]),
        )


def wallet_event(wallet: WalletView, operation: OperationView | None) -> dict[str, Any]:
    """The `walletChanged` payload: everything a watcher shows, no database read needed."""
    return {
        "childId": wallet.child_id,
        "wallet": wallet.to_json(),
        "operation": None if operation is None else operation.to_json(),
    }
