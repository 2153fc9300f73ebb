/**
 * Timers that do not keep a Node process alive unless asked to (`keepAlive`), and that work
 * unchanged in a browser (where there is nothing to unref).
 */
export type TimerHandle = ReturnType<typeof setTimeout>;

export function startTimer(fn: () => void, ms: number, keepAlive = false): TimerHandle {
  const handle = setTimeout(fn, ms);
  if (!keepAlive) unrefTimer(handle);
  return handle;
}

export function startInterval(fn: () => void, ms: number, keepAlive = false): ReturnType<typeof setInterval> {
  const handle = setInterval(fn, ms);
  if (!keepAlive) unrefTimer(handle);
  return handle;
}

/** Runs `fn` after the current task, before timers when the runtime has `setImmediate`. */
export function runSoon(fn: () => void): void {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  if (immediate !== undefined) immediate(fn);
  else setTimeout(fn, 0);
}

function unrefTimer(handle: unknown): void {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    (handle as { unref(): void }).unref();
  }
}
