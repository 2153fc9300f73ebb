import { type RefObject, useEffect, useState } from "react";

/**
 * Whether an element is on screen (with a margin, so panels start loading just before they
 * scroll in). Without IntersectionObserver (old browsers, jsdom) everything counts as visible.
 */
export function useInView(ref: RefObject<Element | null>, rootMargin = "300px"): boolean {
  const [visible, setVisible] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries[entries.length - 1];
        if (last) setVisible(last.isIntersecting);
      },
      { rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, rootMargin]);
  return visible;
}
