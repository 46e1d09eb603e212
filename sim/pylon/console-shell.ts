// The console shell of a simulated stack (pylon-protocol.md §7.2): one per connection, sharing the
// pack's awake state. Echoes the command, prints `@`, the table, `$$` and the prompt; pauses
// long output at "Press [Enter]"; asleep (--wake), it ignores everything but the wake-up frame.
// A pty or TCP socket carries no baud rate: the sim models the console's state, not its speed.
import type { Duplex } from "node:stream";
import type { ConsoleFirmware } from "./console-firmware";
import { batLines, infoLines, pwrLines, sohLines, statLines } from "./console-tables";
import type { PylonPackModel } from "./pack-model";

export const SIM_WAKE_FRAME = "~20014682C0048520FCC3\r";
export const PAGING_PROMPT = "Press [Enter] to be continued,other key to exit";
/** Longest command line kept (a real console has a small line buffer too). */
const MAX_LINE = 64;

export interface ConsoleShellHost {
  readonly firmware: ConsoleFirmware;
  /** Packs in stack order, brought up to the present. */
  packs(): readonly PylonPackModel[];
  awake: boolean;
}

export class ConsoleShell {
  private line = "";
  /** Lines still to print after a paging prompt. */
  private rest: string[] | undefined;
  /** Input while asleep, searched for the wake-up frame. */
  private sleepInput = "";

  constructor(
    private readonly host: ConsoleShellHost,
    private readonly write: (text: string) => void,
  ) {}

  input(text: string): void {
    for (const ch of text) {
      if (!this.host.awake) {
        this.sleepInput = (this.sleepInput + ch).slice(-SIM_WAKE_FRAME.length);
        if (this.sleepInput === SIM_WAKE_FRAME) {
          this.host.awake = true;
          this.sleepInput = "";
        }
        continue;
      }
      if (this.rest) {
        // Enter goes on; any other key ends the output, as on the pack.
        const rest = this.rest;
        this.rest = undefined;
        this.write(this.host.firmware.eol);
        this.emit(ch === "\r" || ch === "\n" ? rest : rest.slice(-2));
        continue;
      }
      if (ch === "\r" || ch === "\n") {
        const line = this.line.trim();
        this.line = "";
        this.run(line);
      } else if (this.line.length < MAX_LINE) this.line += ch;
    }
  }

  private run(line: string): void {
    const { eol, prompt } = this.host.firmware;
    if (line === "") {
      this.write(`${eol}${prompt}`);
      return;
    }
    const body = this.output(line);
    if (!body) {
      this.write(`${line}${eol}Unknown command '${line}'${eol}${prompt}`);
      return;
    }
    this.write(`${line}${eol}@${eol}`);
    this.emit([...body, "Command completed successfully", "$$"]);
  }

  /** Prints lines up to a page, then the paging prompt; the rest waits for Enter. */
  private emit(lines: readonly string[]): void {
    const { eol, prompt, pageLines } = this.host.firmware;
    if (lines.length > pageLines + 2) {
      this.write(lines.slice(0, pageLines).map((l) => l + eol).join("") + PAGING_PROMPT);
      this.rest = lines.slice(pageLines);
      return;
    }
    this.write(`${lines.map((l) => l + eol).join("")}${prompt}`);
  }

  private output(line: string): string[] | undefined {
    const match = /^([a-z]+)(?:\s+(\d{1,2}))?$/.exec(line);
    if (!match) return undefined;
    const fw = this.host.firmware;
    const packs = this.host.packs();
    const pack = packs[(match[2] === undefined ? 1 : Number(match[2])) - 1];
    switch (match[1]) {
      case "pwr":
        return match[2] === undefined ? pwrLines(packs, fw, new Date()) : undefined;
      case "bat":
        return pack && batLines(pack, fw);
      case "soh":
        return pack && sohLines(pack, fw);
      case "info":
        return pack && infoLines(pack, fw);
      case "stat":
        return pack && statLines(pack, fw);
      default:
        return undefined;
    }
  }
}

/** Attaches a shell to a stream; returns the detach function. */
export function attachShell(host: ConsoleShellHost, stream: Duplex): () => void {
  const shell = new ConsoleShell(host, (text) => {
    if (!stream.destroyed && stream.writable) stream.write(Buffer.from(text, "latin1"));
  });
  const onData = (chunk: Buffer | string): void => shell.input(typeof chunk === "string" ? chunk : chunk.toString("latin1"));
  const detach = (): void => {
    stream.off("data", onData);
    stream.off("close", detach);
  };
  stream.on("data", onData);
  stream.on("close", detach);
  return detach;
}
