"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.dashboard import DashboardResolvers


class ResolverApi:
    dashboard = DashboardResolvers()
