import { type RefObject, useEffect, useState } from "react";

/** An element's content width in CSS px, following resizes; `fallback` where ResizeObserver is missing. */
export function useElementWidth(ref: RefObject<Element | null>, fallback = 600): number {
  const [width, setWidth] = useState(() => (typeof ResizeObserver === "undefined" ? fallback : 0));
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
