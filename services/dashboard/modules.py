"""A child's dashboard: which modules the page shows.

The dashboard's lists come from their own domains (wallets, services.dashboard.agenda, documents,
services.wallets.recent); what is decided here is the stable list of module names a client
builds its page from, in this order, each present when the child's school offers it:

    balances    the child's wallets and their balances            always
    operations  movements of the wallets (top-ups, meals, ...)    always
    sales       purchases at the school's point-of-sale devices   always
    documents   documents for the child and their read markers    always
    events      the school's coming events, meetings included     always
    meals       meal reservations                                 School.feature_meals
    meetings    parent-teacher meetings                           School.feature_meetings
    photos      school photo orders                               School.feature_photos
"""

from models.family import School
from services.family.views import SchoolView

ALWAYS = ("balances", "operations", "sales", "documents", "events")
SWITCHED = ("meals", "meetings", "photos")
MODULES = (*ALWAYS, *SWITCHED)


def enabled_modules(school: School | SchoolView) -> list[str]:
    """The modules this school offers its parents, in the order of MODULES."""
    switches = {
        "meals": school.feature_meals,
        "meetings": school.feature_meetings,
        "photos": school.feature_photos,
    }
    return [*ALWAYS, *(name for name in SWITCHED if switches[name])]
