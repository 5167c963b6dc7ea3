"""Everything a request needs that lives as long as the app: built by the lifespan."""

from dataclasses import dataclass
from typing import Any

from models.db import Database
from services.sql.uow import Transactions
from settings import Settings


@dataclass
class Runtime:
    settings: Settings
    database: Database
    transactions: Transactions
    pubsub: Any
    # Filled by later parts (payments provider, document storage...).
    extras: dict[str, Any]
