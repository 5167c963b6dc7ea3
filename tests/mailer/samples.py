"""A valid context for every shipped template: a new template without one fails the tests."""

from datetime import UTC, date, datetime
from typing import Any

EXPIRES_AT = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # 09:00 in Brussels

SAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    "invitation": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "username": "anne.dupont",
        "token": "tok-123",
        "expires_at": EXPIRES_AT,
    },
    "password_reset": {
        "username": "anne.dupont",
        "token": "tok-456",
        "expires_at": EXPIRES_AT,
    },
    "data_export": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "path": "/me/exports/7",
        "params": {"user": "3", "expires": "1794816000", "sig": "c2lnbmF0dXJl"},
        "expires_at": EXPIRES_AT,
    },
    "document_published": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "children": ["Emma", "Lucas"],
        "title": "Bulletin du premier trimestre",
        "date": date(2026, 12, 18),
    },
    "invoice": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma Dupont",
        "title": "Classe verte",
        "number": "2026-0042",
        "total_cents": 145_00,
        "due_cents": 145_00,
        "due_on": date(2026, 12, 18),
        "communication": "+++010/8068/17183+++",
        "iban": "BE68 5390 0754 7034",
    },
    "receipt": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma Dupont",
        "title": "Classe verte",
        "number": "2026-0042",
        "paid_cents": 145_00,
    },
    "meal_day_closed": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "date": date(2026, 12, 18),
        "reason": "journée pédagogique",
        "refunds": [
            {"child": "Emma", "article": "Repas chaud", "amount_cents": 420},
            {"child": "Lucas", "article": "Potage", "amount_cents": 110},
        ],
    },
    "appointment": {
        "action": "moved",
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma Dupont",
        "teacher_name": "Mme Lambert",
        "subject": "Français",
        "meeting_title": "Réunion de parents",
        "starts_at": datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 3, 16, 10, tzinfo=UTC),
        "previous_starts_at": datetime(2026, 12, 3, 17, 30, tzinfo=UTC),
    },
    "weekly_summary": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "week": "2026-W49",
        "time_zone": "Europe/Brussels",
        "children": [
            {
                "name": "Emma",
                "wallets": [("Repas", 4200), ("Activités", 2000)],
                "operations": [(datetime(2026, 12, 1, 11, 0, tzinfo=UTC), "Repas chaud", -420)],
                "meals": [(date(2026, 12, 8), "Repas chaud")],
                "appointments": [(datetime(2026, 12, 9, 16, 0, tzinfo=UTC), "Mme Lambert")],
            }
        ],
    },
    "low_balance": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma",
        "wallet_name": "Repas",
        "balance": 380,
        "threshold": 500,
    },
    "bank_transfer_received": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma",
        "wallet_name": "Repas",
        "amount": 2500,
        "balance": 7500,
        "date": date(2026, 11, 20),
    },
    "bank_transfer_missing": {
        "school_name": "École Démo",
        "display_name": "Anne Dupont",
        "child_name": "Emma",
        "wallet_name": "Repas",
        "amount": 4000,
        "date": date(2026, 11, 2),
        "communication": "+++100/0000/00135+++",
    },
}
