"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.family import FamilyResolvers


class ResolverApi:
    family = FamilyResolvers()
