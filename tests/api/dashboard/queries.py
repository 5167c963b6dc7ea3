"""The dashboard as the parent page asks for it: every field of the contract's Dashboard."""

# One text for the tests and the benchmark (bench/ cannot import tests/).
from bench.dashboard import DASHBOARD, ONE_CHILD

__all__ = ["ALL_CHILDREN", "DASHBOARD", "LIMITED", "ONE_CHILD"]

ALL_CHILDREN = (
    "{ viewer { children { id firstName wallets { id name balance { cents } }" + DASHBOARD + "} } }"
)

LIMITED = """query($id: ID!, $n: Int) { viewer { child(id: $id) { dashboard {
  upcomingEvents(limit: $n) { title }
  unreadDocuments(limit: $n) { title }
  recentOperations(limit: $n) { label }
  recentSales(limit: $n) { article }
} } } }"""
