"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.calendar import CalendarResolvers
from resolvers.documents import DocumentResolvers
from resolvers.family import FamilyResolvers
from resolvers.meetings_api import MeetingsResolvers


class ResolverApi:
    family = FamilyResolvers()
    documents = DocumentResolvers()
    calendar = CalendarResolvers()
    meetings = MeetingsResolvers()
