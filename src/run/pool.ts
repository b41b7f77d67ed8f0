/**
 * Runs `work` over items with at most `limit` in flight, calling `onDone` as each finishes (in
 * completion order). The first thrown error stops new work and is rethrown once in-flight work
 * settles, so nothing keeps writing after the run has failed.
 */
export async function forEachPooled<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  onDone: (result: R, item: T, index: number) => void,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      // The loop condition checked index < items.length.
      const item = items[index] as T;
      try {
        const result = await work(item, index);
        if (failure === null) onDone(result, item, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
