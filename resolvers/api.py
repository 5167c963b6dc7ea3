"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.dashboard import DashboardResolvers
from resolvers.events import CalendarResolvers
from resolvers.meals import MealsResolvers
from resolvers.meetings_api import MeetingsResolvers


class ResolverApi:
    calendar = CalendarResolvers()
    meetings = MeetingsResolvers()
    meals = MealsResolvers()
    dashboard = DashboardResolvers()
