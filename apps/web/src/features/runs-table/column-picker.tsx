import { type KeyboardEvent, useId, useMemo, useRef, useState } from "react";
import { type ColumnChoice, columnChoices, type KeyCatalog, searchChoices } from "./key-catalog.js";

export interface ColumnPickerProps {
  catalog: KeyCatalog;
  /** Column ids shown now, in order. */
  value: string[];
  onChange(columns: string[]): void;
  onReset(): void;
}

const sectionLabels: Record<ColumnChoice["section"], string> = {
  run: "Run",
  config: "Config",
  metrics: "Metrics",
  tags: "Tags",
};

/** A popover that searches every column (run fields, config paths, metric aggregates, tags) and toggles them. */
export function ColumnPicker({ catalog, value, onChange, onReset }: ColumnPickerProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const choices = useMemo(() => columnChoices(catalog), [catalog]);
  const results = useMemo(() => searchChoices(choices, query, 300), [choices, query]);
  const shown = new Set(value);

  const toggleColumn = (columnId: string) =>
    onChange(shown.has(columnId) ? value.filter((c) => c !== columnId) : [...value, columnId]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const choice = results[active];
      if (choice) toggleColumn(choice.id);
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  };

  return (
    <div className="rt-popover-anchor">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => {
          setOpen((o) => !o);
          setQuery("");
          setActive(0);
          queueMicrotask(() => search.current?.focus());
        }}
      >
        Columns ({value.length})
      </button>
      {open ? (
        <div className="rt-popover rt-column-picker" id={`${id}-panel`} role="dialog" aria-label="choose columns">
          <div className="rt-popover-head">
            <input
              ref={search}
              type="search"
              aria-label="search columns"
              placeholder="Search keys…"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
            />
            <button type="button" className="ghost" onClick={onReset}>
              Defaults
            </button>
            <button type="button" className="ghost" aria-label="close" onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          <ul className="rt-choice-list" aria-label="columns">
            {results.map((choice, i) => {
              const prev = results[i - 1];
              return (
                <li key={choice.id}>
                  {prev?.section !== choice.section ? (
                    <div className="rt-choice-section">{sectionLabels[choice.section]}</div>
                  ) : null}
                  <label className={`rt-choice${i === active ? " is-active" : ""}`} title={choice.id}>
                    <input type="checkbox" checked={shown.has(choice.id)} onChange={() => toggleColumn(choice.id)} />
                    <span>{choice.label}</span>
                  </label>
                </li>
              );
            })}
            {results.length === 0 ? <li className="muted rt-choice-empty">No key matches “{query}”.</li> : null}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
