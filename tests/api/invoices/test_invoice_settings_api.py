"""invoiceSettings and setSchoolAddress: staff give the address printed on invoices and read it
back as printed; half an address, or a parent, is refused with nothing written."""

from models.accounts import Role
from services.sql.uow import Transactions
from tests.factories import make_family, make_school, make_user
from tests.support.graphql import GraphQL

ADDRESS = """
mutation($street: String!, $postcode: String!, $city: String!) {
  setSchoolAddress(street: $street, postcode: $postcode, city: $city) {
    settings { addressLines remindersEnabled }
    errors { code field }
  }
}"""
READ = "{ invoiceSettings { addressLines remindersEnabled reminderDaysBefore partialPayments } }"


async def test_staff_set_the_address_printed_on_invoices(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    parent = gql.as_((await make_family(tx, school)).parent.token)
    assert await staff.data(READ) == {
        "invoiceSettings": {
            "addressLines": [],
            "remindersEnabled": True,
            "reminderDaysBefore": 3,
            "partialPayments": False,
        }
    }
    half = {"street": "Chaussée de Wavre 120", "postcode": "  ", "city": "Etterbeek"}
    refused = (await staff.data(ADDRESS, half))["setSchoolAddress"]
    assert refused == {"settings": None, "errors": [{"code": "INVALID_INPUT", "field": "postcode"}]}
    whole = {**half, "postcode": "1040"}
    forbidden = (await parent.data(ADDRESS, whole))["setSchoolAddress"]
    assert forbidden == {"settings": None, "errors": [{"code": "FORBIDDEN", "field": None}]}
    assert (await staff.data(READ))["invoiceSettings"]["addressLines"] == []

    done = (await staff.data(ADDRESS, whole))["setSchoolAddress"]
    assert done == {
        "settings": {
            "addressLines": ["Chaussée de Wavre 120", "1040 Etterbeek"],
            "remindersEnabled": True,
        },
        "errors": [],
    }
    answer = await parent.execute(READ)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
