// The console parser's one error class: a transcript that is cut off, garbled or refused by the
// pack. It extends the codec's PylonError so `instanceof PylonError` still catches everything.
import { PylonError } from "../codec/errors";

export type PylonConsoleErrorCode =
  | "no_body" // no `@` line: not a console transcript, or the echo never ended
  | "truncated" // neither "Command completed successfully" nor `$$`: the output was cut off
  | "command_refused" // the pack answered "Unknown command" / "Invalid command"
  | "no_table" // a table command whose output holds no header line
  | "garbled" // a header or row that cannot be read
  | "unsupported_command"; // a command this parser does not decode

export class PylonConsoleError extends PylonError<PylonConsoleErrorCode, { command?: string; line?: string }> {
  constructor(code: PylonConsoleErrorCode, message: string, details?: { command?: string; line?: string }) {
    super(code, message, details);
  }
}
