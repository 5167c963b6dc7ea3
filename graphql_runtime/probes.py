"""How often each fast path of the engine was taken: counted per built schema, read by tests
(a fast path that silently stops being taken shows here, not only in a benchmark)."""

from dataclasses import dataclass, fields


@dataclass(slots=True)
class Probes:
    # Fields answered without graphql-core's per-field machinery (execution/plain_fields.py).
    plain_fields: int = 0
    # Objects and lists read in one pass (execution/plain_selections.py)...
    plain_selections: int = 0
    # ...of which by a reader written for their selection (execution/plain_readers.py).
    compiled_reads: int = 0
    # Readers written (each once per distinct selection while it stays cached).
    readers_compiled: int = 0
    # Shared events executed (once per distinct selection), and results reused instead.
    shared_executions: int = 0
    shared_reuses: int = 0
    # Idle subscriptions handed over to the fan-out (their task ended), and runs again.
    parked: int = 0
    revived: int = 0
    # Frames written from the fan-out itself, without waking the subscriber's task.
    idle_writes: int = 0

    def snapshot(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}
