import type { LogLine } from "@looplab/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { lineMatches, splitMatches } from "./log-search.js";
import { fetchAllLogText, useRunLogs } from "./use-run-logs.js";
import "./logs.css";

const ROW_HEIGHT = 18;

function LogRow({ line, query }: { line: LogLine; query: string }) {
  const stderr = line.stream === "stderr";
  return (
    <>
      <span className="log-seq">{line.seq}</span>
      {stderr ? (
        <span className="log-stream" title="stderr">
          E
        </span>
      ) : (
        <span className="log-stream" />
      )}
      <span className="log-text">
        {splitMatches(line.text, query).map((piece, i) =>
          piece.match ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>,
        )}
      </span>
    </>
  );
}

/**
 * The run's console log (docs/logs.md): a virtualised list of its lines (stderr marked), the
 * end first, following new lines while the run runs; earlier lines on request; a search that
 * highlights matches in the loaded lines; the whole log as a text download.
 */
export function LogsTab({ runId, project, live }: { runId: string; project: string; live: boolean }) {
  const api = useApi();
  const logs = useRunLogs(runId, project, live);
  const [query, setQuery] = useState("");
  const [follow, setFollow] = useState(true);
  const [downloading, setDownloading] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { lines } = logs;

  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  // Follow the end: new lines scroll into view unless the reader scrolled up.
  const lastSeq = lines.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (follow && lastSeq > 0) virtualizer.scrollToIndex(lines.length - 1, { align: "end" });
  }, [follow, lastSeq, lines.length, virtualizer]);

  const matching = useMemo(
    () => (query === "" ? 0 : lines.filter((l) => lineMatches(l.text, query)).length),
    [lines, query],
  );

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
    if (!atEnd && follow) setFollow(false);
  };

  const download = async () => {
    setDownloading(true);
    try {
      const text = await fetchAllLogText(api, runId);
      const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `${runId}-logs.txt`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="logs-tab">
      <div className="logs-toolbar">
        <input
          type="search"
          placeholder="Search loaded lines"
          aria-label="search logs"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {query !== "" ? (
          <output className="muted" aria-label="matches">
            {matching} matching {matching === 1 ? "line" : "lines"}
          </output>
        ) : null}
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button type="button" onClick={() => void download()} disabled={downloading || !logs.loaded}>
          {downloading ? "Downloading…" : "Download"}
        </button>
        {live ? <span className="muted">live</span> : null}
      </div>
      {logs.error ? <p className="error">Could not load logs: {logs.error}</p> : null}
      {logs.hasEarlier ? (
        <button type="button" className="logs-earlier" onClick={logs.loadEarlier} disabled={logs.loadingEarlier}>
          {logs.loadingEarlier ? "Loading…" : "Load earlier lines"}
        </button>
      ) : null}
      {logs.loaded && lines.length === 0 ? <p className="muted">No log lines yet.</p> : null}
      {!logs.loaded && !logs.error ? <p className="muted">Loading logs…</p> : null}
      <div className="logs-view" ref={scrollRef} onScroll={onScroll} role="log" aria-label="run log">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = lines[item.index] as LogLine;
            return (
              <div
                key={line.seq}
                className={line.stream === "stderr" ? "log-line log-stderr" : "log-line"}
                data-seq={line.seq}
                style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              >
                <LogRow line={line} query={query} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
