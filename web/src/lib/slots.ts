// A meeting's slots as the page shows them: the query's list, then the live events on top.

export interface LiveSlot {
  id: string;
  startsAt: string;
  endsAt: string;
  available: boolean;
  teacher: { id: string };
}

export interface SlotEventLike {
  snapshot: boolean;
  slots: LiveSlot[];
}

/** The slots after an event: a snapshot replaces them all, a change replaces the ones it names. */
export function applySlotEvent(
  slots: ReadonlyMap<string, LiveSlot>,
  event: SlotEventLike,
): Map<string, LiveSlot> {
  const next = event.snapshot ? new Map<string, LiveSlot>() : new Map(slots);
  for (const slot of event.slots) next.set(slot.id, slot);
  return next;
}

/** One teacher's free slots, in time order. */
export function freeSlots(slots: ReadonlyMap<string, LiveSlot>, teacherId: string): LiveSlot[] {
  return [...slots.values()]
    .filter((slot) => slot.teacher.id === teacherId && slot.available)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}
