"""schema.graphql is the exported SDL: it must match what the code serves."""

from pathlib import Path

from strawberry.printer import print_schema

from resolvers.root import schema

ROOT = Path(__file__).resolve().parents[1]


def test_schema_graphql_is_up_to_date() -> None:
    exported = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert exported.strip() == print_schema(schema).strip(), (
        "schema.graphql is stale: run `make schema`"
    )


def test_error_codes_mirror_the_services() -> None:
    from schema.errors import ErrorCode as Contract
    from services.errors import ErrorCode as Domain

    assert [c.name for c in Contract] == [c.name for c in Domain]


def test_contract_names_are_served() -> None:
    """Every type and field of the parent-facing contract exists in the served schema."""
    from graphql import build_schema as parse_sdl

    contract = parse_sdl((ROOT / "docs" / "contract.graphql").read_text(encoding="utf-8"))
    served = schema._schema
    missing = []
    for name, contract_type in contract.type_map.items():
        if name.startswith("__"):
            continue
        served_type = served.type_map.get(name)
        if served_type is None:
            missing.append(name)
            continue
        for field in getattr(contract_type, "fields", {}) or {}:
            if field not in served_type.fields:  # type: ignore[attr-defined]
                missing.append(f"{name}.{field}")
    assert not [m for m in missing if m.split(".")[0] in SERVED_SO_FAR], missing


# Contract types whose domain is built; grows as domains land.
SERVED_SO_FAR = {
    "Query",
    "Viewer",
    "User",
    "School",
    "SchoolFeatures",
    "BankAccount",
    "UserError",
    "AuthPayload",
    "RequestPayload",
    "Node",
    "ErrorCode",
    "Role",
    "Document",
    "DocumentConnection",
    "DocumentEdge",
    "DocumentPayload",
    "Money",
    "Wallet",
    "OperationType",
    "PaymentMethod",
    "Period",
    "OperationFilter",
    "Operation",
    "OperationConnection",
    "OperationEdge",
    "SaleFilter",
    "Device",
    "Sale",
    "SaleConnection",
    "SaleEdge",
    "PageInfo",
    "TopUp",
    "TopUpPayload",
    "TransferPayload",
    "WalletEvent",
    "Teacher",
    "Meeting",
    "Slot",
    "Appointment",
    "AppointmentPayload",
    "SlotEvent",
    "MealArticle",
    "MealCalendar",
    "MealDay",
    "MealReservation",
    "MealReservationPayload",
    "Dashboard",
    "Event",
}
