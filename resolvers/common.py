"""What root fields share beyond schema/access.py: IDs given as arguments, the client."""

from starlette.requests import HTTPConnection

from schema.ids import db_id_of
from services.common.errors import NotFound


def require_id(global_id: str, type_name: str, field: str) -> int:
    """A mutation argument's database id; a malformed or foreign ID is simply not found."""
    db_id = db_id_of(global_id, type_name)
    if db_id is None:
        raise NotFound(field)
    return db_id


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"
