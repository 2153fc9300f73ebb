import { useEffect, useState } from "react";

export interface ThemeColors {
  axis: string;
  grid: string;
  danger: string;
  warn: string;
}

function read(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    axis: v("--muted", "#6b7385"),
    grid: v("--border", "#dde1e8"),
    danger: v("--danger", "#c93434"),
    warn: v("--warn", "#c98a12"),
  };
}

/** The theme's colours for canvas drawing, re-read when `data-theme` on <html> changes. */
export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(read);
  useEffect(() => {
    const observer = new MutationObserver(() => setColors(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return colors;
}
