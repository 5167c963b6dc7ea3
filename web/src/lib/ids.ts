import { useState } from "preact/hooks";

let next = 0;

/** An id unique in the document for a label's `for` (Preact's useId repeats ids across
 * components mounted at different times, which ties labels to the wrong fields). */
export function useFieldId(): string {
  const [id] = useState(() => `field-${++next}`);
  return id;
}
