import { useViewer, type ChildSummary } from "./Session";

export function useChild(childId: string): ChildSummary | undefined {
  return useViewer().children.find((child) => child.id === childId);
}
