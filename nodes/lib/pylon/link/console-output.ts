// Reads one console command's answer out of the byte stream (pylon-protocol.md §7.2): skips what
// came before the echo, answers paging prompts, and says when the transcript ends (the `$$` line and
// the next prompt) or was cut off (a prompt before `$$`). Pure: the link feeds it text.

/** A prompt at the start of a line at the end of what was read: `pylon>`, `pylon_debug>`, `PYTES>`, any `word>`. */
const PROMPT_AT_END = /(?:^|[\r\n])[ \t]*([A-Za-z][\w.-]*)>[ \t]*$/;
/** The whole paging prompt: answered at once. */
const PAGING = /Press \[Enter\] to be continued,\s*other key to exit[ \t]*$/i;
/** Its first part alone: answered once the line stays quiet (a firmware may print no more of it). */
const PAGING_SHORT = /Press \[Enter\] to be continued[^\r\n]*$/i;
const END_LINE = /(?:^|[\r\n])[ \t]*\$\$[ \t]*(?:[\r\n]|$)/;
const AT_LINE = /(?:^|[\r\n])[ \t]*@[ \t]*(?:[\r\n]|$)/;
/** A line echoing some command (`pylon>bat 1`, `pwr`): the output after it answers that command. */
const OTHER_ECHO = /(?:^|[\r\n])[ \t]*(?:[A-Za-z][\w.-]*>[ \t]*)?[a-z]+(?: \d{1,2})?[ \t]*(?=[\r\n])/;

/** The name of the prompt `text` ends with ("pylon", "PYTES"), or undefined: what the wake-up waits for. */
/** How much of the end of the output is searched for a prompt or a paging line. */
const TAIL_CHARS = 256;

export function trailingPrompt(text: string): string | undefined {
  return PROMPT_AT_END.exec(text)?.[1];
}

export type OutputStep =
  /** Keep reading. */
  | { kind: "more" }
  /** The output paused at "Press [Enter]": send CR. */
  | { kind: "page" }
  /** The transcript is complete. */
  | { kind: "done"; text: string }
  /** A prompt came before `$$` (the pack restarted the line, or the output was cut). */
  | { kind: "cut_off"; text: string }
  /** More than `maxPages` paging prompts, or more than `maxBytes` read. */
  | { kind: "too_long"; what: string };

export interface OutputLimits {
  maxBytes: number;
  maxPages: number;
}

export class ConsoleOutputReader {
  /** What was read, in arrival order (joined only when a prompt is seen: keeps long output linear). */
  private readonly chunks: string[] = [];
  private readLength = 0;
  /** The last TAIL_CHARS or more of what was read, where prompts are looked for. */
  private tail = "";
  /** Where the paging prompt answered last ended (the same prompt is not answered twice). */
  private pagedUpTo = 0;
  private pages = 0;

  constructor(
    /** The command line sent ("bat 2"), to find its echo. */
    readonly command: string,
    private readonly limits: OutputLimits,
  ) {}

  get length(): number {
    return this.readLength;
  }

  private get text(): string {
    if (this.chunks.length > 1) this.chunks.splice(0, this.chunks.length, this.chunks.join(""));
    return this.chunks[0] ?? "";
  }

  /** Index in the whole output of the tail's first character. */
  private get tailStart(): number {
    return this.readLength - this.tail.length;
  }

  get pageCount(): number {
    return this.pages;
  }

  push(chunk: string): OutputStep {
    this.chunks.push(chunk);
    this.readLength += chunk.length;
    this.tail = this.tail.length + chunk.length > 2 * TAIL_CHARS ? (this.tail + chunk).slice(-TAIL_CHARS) : this.tail + chunk;
    if (this.readLength > this.limits.maxBytes) return { kind: "too_long", what: `more than ${this.limits.maxBytes} bytes of output` };
    const paging = PAGING.exec(this.tail);
    if (paging && this.tailStart + paging.index >= this.pagedUpTo) return this.page();
    if (!PROMPT_AT_END.test(this.tail)) return { kind: "more" };
    const body = this.transcript();
    if (body === undefined) return { kind: "more" }; // only a prompt so far (the one before the echo)
    // `@` without `$$` before the prompt is cut off; no `@` at all is an answer without output
    // ("Unknown command"), which the parser reports.
    if (END_LINE.test(body) || !AT_LINE.test(body)) return { kind: "done", text: body };
    return { kind: "cut_off", text: body };
  }

  /** True while the output ends in a paging prompt not (yet) complete and not answered. */
  get pausedAtPaging(): boolean {
    const paging = PAGING_SHORT.exec(this.tail);
    return paging !== null && this.tailStart + paging.index >= this.pagedUpTo;
  }

  /** Counts a paging prompt as answered (the caller sends CR unless "too_long"). */
  page(): OutputStep {
    this.pagedUpTo = this.readLength;
    this.pages++;
    if (this.pages > this.limits.maxPages) return { kind: "too_long", what: `more than ${this.limits.maxPages} pages` };
    return { kind: "page" };
  }

  /**
   * From the echo of the command (or the `@` line when nothing was echoed) up to, not including,
   * the final prompt. Undefined while neither the echo followed by more lines nor `@` has arrived.
   */
  private transcript(): string | undefined {
    const withoutPrompt = this.text.replace(PROMPT_AT_END, (m) => (/^[\r\n]/.test(m) ? m[0] : ""));
    const echoAt = this.findEcho(withoutPrompt);
    if (echoAt >= 0) {
      return withoutPrompt.slice(echoAt);
    }
    const at = AT_LINE.exec(withoutPrompt);
    if (!at) return undefined;
    // Output after another command's echo is that command's (a late answer to a timed-out one):
    // ours follows it, so keep reading. Only output with no echo at all is taken as ours.
    if (OTHER_ECHO.test(withoutPrompt.slice(0, at.index))) return undefined;
    const start = at.index + (/^[\r\n]/.test(at[0]) ? 1 : 0);
    return `${this.command}\r\n${withoutPrompt.slice(start)}`;
  }

  /** Index of the last line that is the echoed command, with or without its prompt. */
  private findEcho(text: string): number {
    const escaped = this.command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const echo = new RegExp(`(?:^|[\\r\\n])[ \\t]*(?:[A-Za-z][\\w.-]*>[ \\t]*)?${escaped}[ \\t]*(?=[\\r\\n])`, "g");
    let found = -1;
    for (let m = echo.exec(text); m; m = echo.exec(text)) {
      found = m.index + (/^[\r\n]/.test(m[0]) ? 1 : 0);
    }
    return found;
  }
}
