"""The resolvers' side of schema.context.Api: one object per domain."""

from resolvers.family import FamilyResolvers
from resolvers.wallets import WalletsResolvers


class ResolverApi:
    family = FamilyResolvers()
    wallets = WalletsResolvers()
