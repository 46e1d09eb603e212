// What a console-mode link (the RS232 "pylon>" shell, pylon-protocol.md §7) offers its users: one
// text command at a time, answered by its whole transcript. The console link implements it; the
// console poller and the CLI use it. No Node-RED imports.

/** One answered console command. */
export interface ConsoleExchange {
  /**
   * The transcript as decodeConsole takes it: the echoed command line, the `@` line, the output and
   * the `$$` line (paging prompts may remain: the parser removes them).
   */
  text: string;
  /** From the write of the answered attempt to the end of its output. */
  elapsedMs: number;
  /** 1 when the first attempt was answered. */
  attempts: number;
}

export interface ConsoleCommandOptions {
  /** Time for the whole output, paging included, per attempt; default: the link's. */
  timeoutMs?: number;
  /** Extra attempts after a timeout or a cut-off transcript; default: the link's. */
  retries?: number;
}

export interface ConsoleRequester {
  /**
   * Queues one command line (`pwr`, `bat 2`, …: letters, digits and spaces, no line end) and
   * resolves with its transcript. Rejects with PylonLinkError (timeout, closed, not_connected,
   * invalid_request, …).
   */
  command(line: string, options?: ConsoleCommandOptions): Promise<ConsoleExchange>;
}
