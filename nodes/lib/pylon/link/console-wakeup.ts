// Wakes the console shell (pylon-protocol.md §7.2). A pack whose console sleeps listens at 1200
// baud for the frame below, then switches to its 115200 text shell; newer packs answer at 115200
// at once. Through a TCP gateway the baud is the gateway's: only the frame and CRs can be sent.

/** VER 0x20, ADR 1, CID1 0x46, CID2 0x82, INFO 0x85 0x20: "switch the console to the text shell". */
export const CONSOLE_WAKE_FRAME = "~20014682C0048520FCC3\r";
export const CONSOLE_BAUD = 115200;
export const WAKE_BAUD = 1200;

/** What the wake-up needs of the link; every call is safe after close (it then does nothing). */
export interface WakePort {
  readonly kind: "serial" | "tcp";
  write(text: string): Promise<void>;
  /** Serial only. */
  setBaudRate(rate: number): Promise<void>;
  /** Resolves true once the input so far ends with a prompt, false after `ms`. Clears the input first. */
  waitForPrompt(ms: number): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  /** Reports a step for the status ("console asleep: sending the wake-up frame at 1200 baud"). */
  step(detail: string): void;
}

export type WakeResult = { awake: true; woken: boolean } | { awake: false; why: string };

export interface WakeTiming {
  /** How long to wait for a prompt after each CR. */
  promptMs: number;
  /** How long the 1200-baud frame is given to go out and the pack to switch (22 bytes take ~180 ms at 1200). */
  switchMs: number;
}

export async function wakeConsole(port: WakePort, timing: WakeTiming): Promise<WakeResult> {
  if (port.kind === "serial") await port.setBaudRate(CONSOLE_BAUD);
  port.step("waiting for the console prompt");
  if (await probe(port, timing.promptMs)) return { awake: true, woken: false };
  port.step(`console asleep: sending the wake-up frame${port.kind === "serial" ? ` at ${WAKE_BAUD} baud` : ""}`);
  if (port.kind === "serial") await port.setBaudRate(WAKE_BAUD);
  await port.write(CONSOLE_WAKE_FRAME);
  await port.sleep(timing.switchMs);
  if (port.kind === "serial") await port.setBaudRate(CONSOLE_BAUD);
  port.step("console waking: waiting for the prompt");
  const prompted = port.waitForPrompt(timing.promptMs);
  await port.write("\r\n");
  if (await prompted) return { awake: true, woken: true };
  if (port.kind === "tcp") {
    return {
      awake: false,
      why:
        "no console prompt, not even after the wake-up frame: the gateway fixes the baud, so it must be set to 115200 " +
        "(8N1) and the pack's console already awake (a pack that sleeps at 1200 baud needs a serial port to be woken)",
    };
  }
  return { awake: false, why: `no console prompt at ${CONSOLE_BAUD} baud, not even after the wake-up frame at ${WAKE_BAUD}` };
}

async function probe(port: WakePort, ms: number): Promise<boolean> {
  const prompted = port.waitForPrompt(ms);
  await port.write("\r");
  return prompted;
}
