/**
 * A small Server-Sent Events client on fetch + the response body stream. It parses the wire
 * format as the HTML standard does (lines ending in CRLF, LF or CR; `field: value`; one
 * optional space after the colon; a blank line dispatches), but records each frame's fields
 * exactly as sent, without EventSource's carrying over of the last id, and keeps the comment
 * lines EventSource hides, so specs can check what the server actually wrote.
 */

/** One dispatched frame. `id` and `event` are present only when the frame itself had those lines. */
export type SseFrame = { id?: string; event?: string; data: string };

export class SseConnection {
  readonly frames: SseFrame[] = [];
  /** Comment lines, without the leading `:` and its optional space (e.g. "heartbeat"). */
  readonly comments: string[] = [];
  /** Set once the stream is over: "server" when the server ended it, "client" after close(). */
  endedBy: "server" | "client" | "error" | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.read(response.body!);
  }

  /** The data of each frame, parsed as JSON. */
  get data(): any[] {
    return this.frames.map((frame) => JSON.parse(frame.data));
  }

  /** Resolves once `condition` holds; rejects if the stream ends first or `timeoutMs` passes. */
  waitFor(condition: (connection: this) => boolean, timeoutMs: number, what = "the condition"): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition(this)) return finish(() => resolve());
        if (this.endedBy) return finish(() => reject(new Error(`The stream ended (${this.endedBy}) before ${what}. ${this.describe()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. ${this.describe()}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves when the server ends the stream by itself; rejects after `timeoutMs`. */
  async waitForEnd(timeoutMs: number): Promise<void> {
    await this.waitFor((c) => c.endedBy !== undefined, timeoutMs, "the end of the stream");
    if (this.endedBy !== "server") throw new Error(`The stream did not end cleanly (${this.endedBy}). ${this.describe()}`);
  }

  /** Hangs up, as a browser closing the page would. Safe to call at any time. */
  close(): void {
    this.abort.abort();
  }

  private describe(): string {
    return `Frames so far: ${JSON.stringify(this.frames)}; comments: ${JSON.stringify(this.comments)}`;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    let frame: { id?: string; event?: string; data?: string[] } = {};
    const onLine = (line: string) => {
      if (line === "") {
        // Frames without data (e.g. a lone `retry:`) dispatch nothing, as in EventSource.
        if (frame.data) this.frames.push({ ...(frame.id !== undefined && { id: frame.id }), ...(frame.event !== undefined && { event: frame.event }), data: frame.data.join("\n") });
        frame = {};
        return;
      }
      if (line.startsWith(":")) {
        this.comments.push(line.slice(1).replace(/^ /, ""));
        return;
      }
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") (frame.data ??= []).push(value);
      else if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
    };
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
        for (let match = /\r\n|\r|\n/.exec(buffer); match; match = /\r\n|\r|\n/.exec(buffer)) {
          // A CR at the very end may be the first half of a CRLF split across chunks.
          if (match[0] === "\r" && match.index === buffer.length - 1 && !done) break;
          onLine(buffer.slice(0, match.index));
          buffer = buffer.slice(match.index + match[0].length);
        }
        this.changed();
        if (done) break;
      }
      // An unterminated last frame is discarded, as the standard requires.
      this.endedBy = "server";
    } catch {
      this.endedBy = this.abort.signal.aborted ? "client" : "error";
    }
    this.changed();
  }
}

/** Opens the stream; throws unless the server answers 200 (check error statuses with plain fetch). */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  }
  return new SseConnection(response, abort);
}
