import { useCallback } from "react";
import { navigate, useLocationHref } from "./router.js";

/**
 * One query parameter as React state: reading it follows the URL, writing it replaces the URL
 * (so back/forward step through pages, not keystrokes). `null` removes the parameter.
 */
export function useSearchParam(name: string): [string | null, (value: string | null) => void] {
  const href = useLocationHref();
  const value = new URL(href, "http://x").searchParams.get(name);
  const set = useCallback(
    (next: string | null) => {
      const url = new URL(window.location.href);
      if (next === null || next === "") url.searchParams.delete(name);
      else url.searchParams.set(name, next);
      navigate(url.pathname + url.search, { replace: true });
    },
    [name],
  );
  return [value, set];
}
