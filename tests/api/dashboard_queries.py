"""The dashboard as the parent page asks for it: every field of the contract's Dashboard."""

DASHBOARD = """
dashboard {
  modules
  wallets { id name balance { cents currency } structuredCommunication }
  upcomingEvents {
    id title startsAt endsAt kind className
    meeting {
      id title startsAt endsAt bookingOpensAt bookingClosesAt
      teachers { id displayName subject }
      slots { id teacher { displayName } startsAt endsAt available }
    }
  }
  unreadDocuments { id title date read kind downloadUrl }
  recentOperations {
    id at type method amount { cents currency } balanceAfter { cents } label wallet { id name }
  }
  recentSales { id at article quantity amount { cents } device { id name kind } wallet { id name } }
}"""

ONE_CHILD = "query($id: ID!) { viewer { child(id: $id) { id firstName" + DASHBOARD + "} } }"

ALL_CHILDREN = (
    "{ viewer { children { id firstName wallets { id name balance { cents } }" + DASHBOARD + "} } }"
)

LIMITED = """query($id: ID!, $n: Int) { viewer { child(id: $id) { dashboard {
  upcomingEvents(limit: $n) { title }
  unreadDocuments(limit: $n) { title }
  recentOperations(limit: $n) { label }
  recentSales(limit: $n) { article }
} } } }"""
