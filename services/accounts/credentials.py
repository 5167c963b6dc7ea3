"""The credential a request carries: `Authorization: Bearer <session token>` for people,
`Authorization: Device <key>` for point-of-sale devices (the GraphQL endpoint and plain HTTP
routes read them alike)."""

BEARER = "bearer"
DEVICE = "device"


def credential(value: object, scheme: str) -> str | None:
    """The credential of `Authorization: <scheme> <credential>` (scheme in any case)."""
    if not isinstance(value, str):
        return None
    given, _, secret = value.strip().partition(" ")
    return secret.strip() or None if given.lower() == scheme else None


def bearer_token(value: object) -> str | None:
    """A user's session token."""
    return credential(value, BEARER)


def device_key(value: object) -> str | None:
    """A point-of-sale device's key."""
    return credential(value, DEVICE)
