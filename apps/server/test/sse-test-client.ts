/** A minimal Server-Sent Events reader over fetch, for black-box tests of the events route. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: any;
  comment?: string;
}

export interface SseTestStream {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** Resolves with the first message (from `from` on) matching, or rejects after `timeoutMs`. */
  waitFor(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server ended the response. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseTestStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const ended = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf("\n\n");
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const message: SseMessage = { event: "message", id: undefined, data: undefined };
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) message.comment = line.slice(1).trim();
            else if (line.startsWith("event: ")) message.event = line.slice(7);
            else if (line.startsWith("id: ")) message.id = line.slice(4);
            else if (line.startsWith("data: ")) message.data = JSON.parse(line.slice(6));
            else if (line.startsWith("retry: ")) message.event = "retry";
          }
          messages.push(message);
          cut = buffer.indexOf("\n\n");
        }
        notify();
      }
    } catch {
      // aborted
    }
    notify();
  })();
  return {
    status: res.status,
    headers: res.headers,
    messages,
    ended,
    close: () => controller.abort(),
    waitFor(match, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.event))}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
