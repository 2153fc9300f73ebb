import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import {
  applySuggestion,
  type CompletionContext,
  completionContext,
  type FilterProblem,
  filterProblem,
  type Suggestion,
  suggest,
} from "./filter-suggestions.js";
import type { KeyCatalog } from "./key-catalog.js";
import { useFieldValues } from "./use-runs-data.js";

export const APPLY_DEBOUNCE_MS = 700;

export interface FilterBoxProps {
  project: string;
  /** The applied filter (from the URL). */
  value: string;
  onApply(filter: string): void;
  catalog: KeyCatalog;
  /** The server's 400 for the applied filter, if any. */
  serverProblem?: FilterProblem | null;
}

/**
 * The filter language in a text box: completes fields, operators and values as you type
 * (↑/↓ to highlight, Tab or Enter to accept, Esc to close; values come from the values
 * endpoint, and its errors are shown under the box), shows parse errors under the column
 * where parsing failed (the core parser runs on every keystroke), and applies the filter on
 * Enter or after a pause when it parses.
 */
export function FilterBox({ project, value, onApply, catalog, serverProblem }: FilterBoxProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState(value);
  const [cursor, setCursor] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const pendingCursor = useRef<number | null>(null);

  useEffect(() => setDraft(value), [value]);

  const problem = useMemo(() => filterProblem(draft), [draft]);
  const context: CompletionContext = useMemo(() => completionContext(draft, cursor), [draft, cursor]);
  const valueField =
    open && context.kind === "value" && context.field && !/^(tags|config|metrics)$/i.test(context.field)
      ? context.field
      : null;
  const { values, error: valuesError } = useFieldValues(project, valueField, context.prefix);
  const suggestions: Suggestion[] = useMemo(
    () => (open ? suggest(context, catalog, { limit: 12, values }) : []),
    [open, context, catalog, values],
  );
  const listOpen = open && suggestions.length > 0;

  useEffect(() => {
    if (draft === value || problem !== null) return;
    const timer = window.setTimeout(() => onApply(draft), APPLY_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, value, problem, onApply]);

  useEffect(() => {
    if (pendingCursor.current === null || !input.current) return;
    input.current.setSelectionRange(pendingCursor.current, pendingCursor.current);
    pendingCursor.current = null;
  });

  const accept = (s: Suggestion) => {
    const next = applySuggestion(draft, context, s);
    setDraft(next.text);
    setCursor(next.cursor);
    pendingCursor.current = next.cursor;
    setActive(-1);
    setOpen(true);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" && listOpen) {
      event.preventDefault();
      setActive((a) => (a + 1) % suggestions.length);
    } else if (event.key === "ArrowUp" && listOpen) {
      event.preventDefault();
      setActive((a) => (a <= 0 ? suggestions.length - 1 : a - 1));
    } else if (event.key === "Tab" && listOpen) {
      event.preventDefault();
      accept(suggestions[Math.max(0, active)] as Suggestion);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (listOpen && active >= 0) accept(suggestions[active] as Suggestion);
      else if (problem === null) {
        setOpen(false);
        onApply(draft);
      }
    } else if (event.key === "Escape") {
      if (listOpen) {
        event.preventDefault();
        setOpen(false);
      } else if (draft !== value) {
        setDraft(value);
      }
    }
  };

  const shown = problem ?? (draft === value ? (serverProblem ?? null) : null);
  const listId = `${id}-list`;
  return (
    <div className="rt-filter">
      <div className="rt-filter-field">
        <input
          ref={input}
          className={`rt-filter-input${shown ? " has-error" : ""}`}
          role="combobox"
          aria-label="filter runs"
          aria-expanded={listOpen}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-invalid={shown !== null}
          aria-describedby={shown ? `${id}-error` : undefined}
          aria-activedescendant={listOpen && active >= 0 ? `${id}-opt-${active}` : undefined}
          placeholder='Filter: config.lr < 0.01 and tags.model = "resnet"'
          spellCheck={false}
          autoComplete="off"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(-1);
          }}
          onSelect={(e) => setCursor(e.currentTarget.selectionStart ?? draft.length)}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        {draft !== "" ? (
          <button
            type="button"
            className="ghost rt-filter-clear"
            aria-label="clear filter"
            onClick={() => {
              setDraft("");
              onApply("");
            }}
          >
            ×
          </button>
        ) : null}
        {listOpen ? (
          <ul
            className="rt-suggestions"
            // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the combobox's popup list (focus stays in the input)
            role="listbox"
            id={listId}
            aria-label="filter suggestions"
          >
            {suggestions.map((s, i) => (
              // biome-ignore lint/a11y/useFocusableInteractive: options are reached with aria-activedescendant
              <li
                key={`${s.kind}:${s.label}`}
                id={`${id}-opt-${i}`}
                // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of the listbox above
                role="option"
                aria-selected={i === active}
                className={i === active ? "is-active" : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  accept(s);
                }}
              >
                <span className="rt-sugg-label">{s.label}</span>
                {s.detail ? <span className="rt-sugg-detail">{s.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {valuesError && open ? (
        <div className="rt-filter-note error" role="status">
          Could not list values of {valueField}: {valuesError.message}
        </div>
      ) : null}
      {shown ? (
        <div className="rt-filter-error" id={`${id}-error`} role="alert" data-column={shown.column}>
          <div className="rt-caret-line" aria-hidden="true">
            <span className="rt-caret" style={{ marginLeft: `${shown.column - 1}ch` }}>
              ^
            </span>
          </div>
          <span className="rt-filter-message">
            column {shown.column}: {shown.message.replace(/ at column \d+$/, "")}
          </span>
        </div>
      ) : null}
    </div>
  );
}
