"""Why a bank statement file is refused, in words a school clerk can act on (French, English).

A refused file changes nothing. `StatementRejected` is a `DomainError`: an unknown format
carries UNSUPPORTED_FILE_TYPE (415 at the upload route), every other problem INVALID_INPUT
(400) on the field `file`; `problem` and the figures are in `params`, and `message(locale)`
gives the sentence to show (the generic texts of those two codes speak of documents).
"""

from collections import defaultdict
from decimal import Decimal
from enum import StrEnum
from typing import Any

from babel.numbers import format_currency

from services.common.errors import DomainError, ErrorCode


class Problem(StrEnum):
    UNKNOWN_FORMAT = "UNKNOWN_FORMAT"
    UNREADABLE = "UNREADABLE"
    INCOMPLETE = "INCOMPLETE"
    UNSUPPORTED_VARIANT = "UNSUPPORTED_VARIANT"
    WRONG_ACCOUNT = "WRONG_ACCOUNT"
    WRONG_CURRENCY = "WRONG_CURRENCY"
    BALANCE_MISMATCH = "BALANCE_MISMATCH"
    DETAILS_MISMATCH = "DETAILS_MISMATCH"


ASK_THE_BANK = {
    "fr": " Téléchargez-le à nouveau depuis votre banque en ligne ; si cela se reproduit, contactez votre banque.",
    "en": " Download it again from your online banking; if this happens again, contact your bank.",
}

MESSAGES: dict[Problem, dict[str, str]] = {
    Problem.UNKNOWN_FORMAT: {
        "fr": "Ce fichier n'est pas un extrait de compte au format CODA ou CAMT.053. Choisissez l'un de ces formats lors du téléchargement depuis votre banque en ligne.",
        "en": "This file is not a bank statement in CODA or CAMT.053 format. Choose one of these formats when you download it from your online banking.",
    },
    Problem.UNREADABLE: {
        "fr": "Ce fichier d'extraits de compte est abîmé et ne peut pas être lu ({where}).",
        "en": "This bank statement file is damaged and cannot be read ({where}).",
    },
    Problem.INCOMPLETE: {
        "fr": "Ce fichier d'extraits de compte est incomplet : il a été coupé ou seule une partie a été enregistrée ({where}).",
        "en": "This bank statement file is incomplete: it was cut off or only part of it was saved ({where}).",
    },
    Problem.UNSUPPORTED_VARIANT: {
        "fr": "Ce fichier d'extraits de compte utilise une variante que l'école ne peut pas lire ({variant}). Téléchargez-le au format CODA 2 ou CAMT.053.",
        "en": "This bank statement file uses a variant the school cannot read ({variant}). Download it in CODA 2 or CAMT.053 format.",
    },
    Problem.WRONG_ACCOUNT: {
        "fr": "Ces extraits sont ceux du compte {account}, pas du compte de l'école ({school_account}). Rien n'a été importé.",
        "en": "These statements are for account {account}, not the school's account ({school_account}). Nothing was imported.",
    },
    Problem.WRONG_CURRENCY: {
        "fr": "Ces extraits sont en {currency} ; seuls les comptes en euros (EUR) sont acceptés.",
        "en": "These statements are in {currency}; only accounts in euros (EUR) are accepted.",
    },
    Problem.BALANCE_MISMATCH: {
        "fr": "L'extrait n° {statement} ne tombe pas juste : ancien solde {opening_cents} + mouvements {movements_cents} ne donnent pas le nouveau solde {closing_cents}. Rien n'a été importé.",
        "en": "Statement no. {statement} does not add up: opening balance {opening_cents} + movements {movements_cents} do not make the closing balance {closing_cents}. Nothing was imported.",
    },
    Problem.DETAILS_MISMATCH: {
        "fr": "Le détail du mouvement groupé {reference} ({details_cents}) ne correspond pas à son montant ({amount_cents}). Rien n'a été importé.",
        "en": "The details of the grouped movement {reference} ({details_cents}) do not match its amount ({amount_cents}). Nothing was imported.",
    },
}
# Problems the clerk cannot fix by hand: the file itself must come again from the bank.
FETCH_AGAIN = {Problem.UNREADABLE, Problem.INCOMPLETE, Problem.DETAILS_MISMATCH}
CURRENCY_LOCALES = {"fr": "fr_BE", "en": "en_IE"}
# What `{where}` says for UNREADABLE and INCOMPLETE, by the `reason` parameter.
WHERE: dict[str, dict[str, str]] = {
    "cut_off": {"fr": "la fin du fichier manque", "en": "the end of the file is missing"},
    "record_count": {
        "fr": "il annonce {expected} lignes mais en contient {found}",
        "en": "it announces {expected} records but holds {found}",
    },
    "entry_count": {
        "fr": "il annonce {expected} mouvements mais en contient {found}",
        "en": "it announces {expected} movements but holds {found}",
    },
    "more_pages": {
        "fr": "ce n'est que la page {page} d'un envoi en plusieurs pages",
        "en": "this is only page {page} of a statement sent in several pages",
    },
    "line": {"fr": "ligne {line}", "en": "line {line}"},
    "characters": {"fr": "caractères inattendus", "en": "unexpected characters"},
    "balances": {
        "fr": "l'ancien ou le nouveau solde manque",
        "en": "the opening or closing balance is missing",
    },
    "no_statement": {"fr": "il ne contient aucun extrait", "en": "it holds no statement"},
}


class StatementRejected(DomainError):
    def __init__(self, problem: Problem, **params: Any) -> None:
        code = (
            ErrorCode.UNSUPPORTED_FILE_TYPE
            if problem is Problem.UNKNOWN_FORMAT
            else ErrorCode.INVALID_INPUT
        )
        super().__init__(code, "file", problem=problem.value, **params)
        self.problem = problem

    def message(self, locale: str) -> str:
        language = locale if locale in CURRENCY_LOCALES else "fr"
        shown: defaultdict[str, Any] = defaultdict(
            lambda: "…",
            {
                name: _euros(value, language) if name.endswith("_cents") else value
                for name, value in self.params.items()
            },
        )
        reason = self.params.get("reason")
        if reason in WHERE:
            shown["where"] = WHERE[reason][language].format_map(shown)
        text = MESSAGES[self.problem][language].format_map(shown)
        return text + ASK_THE_BANK[language] if self.problem in FETCH_AGAIN else text

    def __str__(self) -> str:
        return self.message("en")


def _euros(cents: int, language: str) -> str:
    return format_currency(Decimal(cents) / 100, "EUR", locale=CURRENCY_LOCALES[language])
