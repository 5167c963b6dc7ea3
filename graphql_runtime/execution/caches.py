"""What the fast executor keeps for one built schema, made when the schema is built (no cache
lives in a module): the plans of its types' plain fields, the plain selections of recent
documents, the readers written for them, the subscription fields declared to share their
events, and the probes that count each fast path taken."""

from graphql_runtime.execution.plain_plans import PlansByType
from graphql_runtime.execution.plain_readers import Readers
from graphql_runtime.execution.plain_selections import SharedSelections
from graphql_runtime.probes import Probes

SHARED_SELECTIONS = 2048
READERS = 512


class ExecutionCaches:
    __slots__ = ("plans_by_type", "probes", "readers", "selections", "shared_fields")

    def __init__(
        self,
        probes: Probes,
        shared_fields: frozenset[str] = frozenset(),
        *,
        selections: int = SHARED_SELECTIONS,
        readers: int = READERS,
    ) -> None:
        self.probes = probes
        # Names of the Subscription fields whose events may be shared (building.py checks
        # that everything they show is declared viewer-independent).
        self.shared_fields = shared_fields
        self.plans_by_type: PlansByType = {}
        self.selections = SharedSelections(size=selections)
        self.readers = Readers(readers, probes)
