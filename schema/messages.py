"""What a parent reads for each error code, in their language. The codes are the contract."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

DEFAULT_LOCALE = "fr"

MESSAGES: dict[str, dict[str, str]] = {
    "UNAUTHENTICATED": {
        "fr": "Veuillez vous connecter.",
        "en": "Please sign in.",
    },
    "NOT_FOUND": {
        "fr": "Introuvable.",
        "en": "Not found.",
    },
    "FORBIDDEN": {
        "fr": "Vous n'avez pas accès à cette action.",
        "en": "You are not allowed to do this.",
    },
    "INVALID_INPUT": {
        "fr": "Cette valeur n'est pas valable.",
        "en": "This value is not valid.",
    },
    "RATE_LIMITED": {
        "fr": "Trop de tentatives. Réessayez dans {retry_after} secondes.",
        "en": "Too many attempts. Try again in {retry_after} seconds.",
    },
    "FEATURE_DISABLED": {
        "fr": "Votre école ne propose pas ce service.",
        "en": "Your school does not offer this service.",
    },
    "INVALID_CREDENTIALS": {
        "fr": "Nom d'utilisateur ou mot de passe incorrect.",
        "en": "Wrong username or password.",
    },
    "INVALID_TOKEN": {
        "fr": "Ce jeton de connexion n'est pas valable ou a déjà été utilisé.",
        "en": "This connection token is not valid or has already been used.",
    },
    "TOKEN_EXPIRED": {
        "fr": "Ce jeton de connexion a expiré. Demandez-en un nouveau avec votre adresse e-mail.",
        "en": "This connection token has expired. Ask for a new one with your e-mail address.",
    },
    "WEAK_PASSWORD": {
        "fr": "Mot de passe trop faible : au moins {min} caractères, et pas un mot de passe courant.",
        "en": "Password too weak: at least {min} characters, and not a common password.",
    },
    "INSUFFICIENT_FUNDS": {
        "fr": "Solde insuffisant.",
        "en": "Insufficient balance.",
    },
    "INVALID_AMOUNT": {
        "fr": "Montant non valable.",
        "en": "Invalid amount.",
    },
    "DIFFERENT_CHILDREN": {
        "fr": "Un transfert n'est possible qu'entre les portefeuilles d'un même enfant.",
        "en": "Transfers are only possible between the wallets of one child.",
    },
    "IDEMPOTENCY_CONFLICT": {
        "fr": "Cette demande a déjà été envoyée avec d'autres valeurs.",
        "en": "This request was already sent with other values.",
    },
    "RESERVATION_CLOSED": {
        "fr": "Les réservations sont fermées pour ce jour.",
        "en": "Reservations are closed for this day.",
    },
    "ALREADY_CANCELLED": {
        "fr": "Déjà annulé.",
        "en": "Already cancelled.",
    },
    "SLOT_TAKEN": {
        "fr": "Ce créneau vient d'être réservé par quelqu'un d'autre.",
        "en": "This time slot has just been booked by someone else.",
    },
    "BOOKING_CLOSED": {
        "fr": "Les réservations ne sont pas ouvertes pour cette réunion.",
        "en": "Booking is not open for this meeting.",
    },
    "OVERLAPPING_APPOINTMENT": {
        "fr": "Vous avez déjà un rendez-vous à cette heure-là.",
        "en": "You already have an appointment at that time.",
    },
    "TEACHER_ALREADY_BOOKED": {
        "fr": "Votre enfant a déjà un rendez-vous avec cet enseignant.",
        "en": "Your child already has an appointment with this teacher.",
    },
    "ALLERGEN_CONFLICT": {
        "fr": "Ce repas contient un allergène déclaré pour votre enfant.",
        "en": "This meal contains an allergen declared for your child.",
    },
    "ALREADY_EXISTS": {
        "fr": "Cela existe déjà.",
        "en": "This already exists.",
    },
    "FILE_TOO_LARGE": {
        "fr": "Ce fichier est trop volumineux (maximum {max_mb} Mo).",
        "en": "This file is too large (at most {max_mb} MB).",
    },
    "UNSUPPORTED_FILE_TYPE": {
        "fr": "Ce type de fichier n'est pas accepté : PDF, images (JPEG, PNG, GIF, WebP, HEIC) ou documents bureautiques seulement, avec l'extension qui correspond à leur contenu.",
        "en": "This type of file is not accepted: PDF, images (JPEG, PNG, GIF, WebP, HEIC) or office documents only, with the extension that matches their content.",
    },
    "ONE_TEACHER_PER_CHILD": {
        "fr": "Pour cette réunion, l'école prévoit un seul enseignant par enfant.",
        "en": "For this meeting, the school allows one teacher per child.",
    },
}


def message(code: str, locale: str, params: Mapping[str, Any] | None = None) -> str:
    texts = MESSAGES[code]
    template = texts.get(locale) or texts[DEFAULT_LOCALE]
    return template.format_map(defaultdict(lambda: "…", params or {}))
