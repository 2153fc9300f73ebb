import { useEffect, useState } from "react";

/** The value, updated only after it has stayed unchanged for `ms` (fetch what the scrollbar rests on). */
export function useDebounced<T>(value: T, ms: number, equal: (a: T, b: T) => boolean = Object.is): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (equal(value, settled)) return;
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, settled, ms, equal]);
  return settled;
}
