// A scripted console port for the console-link specs: a PylonTransport whose "pack" answers
// command lines with fixture transcripts, in odd-sized chunks, and records every write with the
// baud rate it went out at.
import { EventEmitter } from "node:events";
import type { PylonTransport, PylonTransportEvents, TransportState } from "../../nodes/lib/pylon/link";

export interface FakeWrite {
  text: string;
  baud: number;
}

/** What the fake pack sends for one write; undefined = silence. */
export type ConsoleScript = (written: string, port: FakeConsolePort) => string | undefined;

export class FakeConsolePort extends EventEmitter<PylonTransportEvents> implements PylonTransport {
  readonly writes: FakeWrite[] = [];
  /** Every baud rate set, in order. */
  readonly baudChanges: number[] = [];
  baud = 115200;
  /** Sent chunks are this long (odd, so lines and prompts split anywhere). */
  chunkSize = 7;
  currentState: TransportState = "idle";
  closeCalls = 0;
  setBaudRate?: (rate: number) => Promise<void>;

  constructor(
    readonly kind: "serial" | "tcp",
    public script: ConsoleScript,
  ) {
    super();
    if (kind === "serial") {
      this.setBaudRate = async (rate: number) => {
        if (rate === this.baud) return;
        this.baud = rate;
        this.baudChanges.push(rate);
      };
    }
  }

  get state(): TransportState {
    return this.currentState;
  }

  start(): void {
    if (this.currentState !== "idle") return;
    this.setState("connecting");
    setImmediate(() => this.setState("connected"));
  }

  write(buf: Buffer): Promise<void> {
    const text = buf.toString("latin1");
    this.writes.push({ text, baud: this.baud });
    const answer = this.script(text, this);
    if (answer !== undefined) this.send(answer);
    return Promise.resolve();
  }

  /** Sends text to the link in `chunkSize` pieces, one per macrotask. */
  send(text: string): void {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += this.chunkSize) chunks.push(text.slice(i, i + this.chunkSize));
    const next = (): void => {
      const chunk = chunks.shift();
      if (chunk === undefined || this.currentState !== "connected") return;
      this.emit("data", Buffer.from(chunk, "latin1"));
      setImmediate(next);
    };
    setImmediate(next);
  }

  close(): Promise<void> {
    this.closeCalls++;
    this.setState("closed");
    return Promise.resolve();
  }

  private setState(state: TransportState): void {
    if (this.currentState === "closed") return;
    this.currentState = state;
    this.emit("state", { state });
  }
}

/** A fixture transcript re-ended with `eol` ("\r\n", "\r\r\n", "\n\r"), ending before its prompt. */
export function withLineEnds(transcript: string, eol: string): string {
  return transcript
    .replace(/\r/g, "")
    .replace(/\n?pylon>\s*$/, "")
    .replace(/\n/g, eol);
}
