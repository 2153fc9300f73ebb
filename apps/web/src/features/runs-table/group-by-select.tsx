import { quoteSegment } from "@looplab/core";
import { configFieldText, type KeyCatalog } from "./key-catalog.js";

/** Group runs by status, group, host, any config path or any tag key. */
export function GroupBySelect({
  catalog,
  value,
  onChange,
}: {
  catalog: KeyCatalog;
  value: string | null;
  onChange(groupBy: string | null): void;
}) {
  const options = [
    "status",
    "group",
    "host",
    ...catalog.config.map((c) => configFieldText(c.segments)),
    ...catalog.tags.map((t) => `tags.${quoteSegment(t)}`),
  ];
  if (value && !options.includes(value)) options.push(value);
  return (
    <label className="rt-group-by">
      <span className="muted">Group</span>
      <select aria-label="group by" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">none</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
