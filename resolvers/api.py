"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.dashboard import DashboardResolvers
from resolvers.meals import MealsResolvers


class ResolverApi:
    meals = MealsResolvers()
    dashboard = DashboardResolvers()
