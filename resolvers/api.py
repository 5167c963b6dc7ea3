"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.family import FamilyResolvers
from resolvers.meetings_api import MeetingsResolvers


class ResolverApi:
    family = FamilyResolvers()
    meetings = MeetingsResolvers()
