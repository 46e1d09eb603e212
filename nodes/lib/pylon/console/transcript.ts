// Splits one console transcript into the echoed command and the output lines between `@` and
// `$$`. Line endings vary by firmware (\r\n, \r\r\n, \n\r), so any run of CR/LF is one break.
import { PylonConsoleError } from "./errors";

export interface ConsoleTranscript {
  /** The echoed command without its prompt ("pwr", "bat 1"); undefined when nothing was echoed. */
  command?: string;
  /** The prompt seen before the echo ("pylon", "pylon_debug", or "PYTES" on the Pytes clone), when present. */
  prompt?: string;
  /** Output lines between `@` and the end marker, paging lines removed, trailing spaces kept. */
  lines: string[];
}

const COMPLETED = "Command completed successfully";
const PAGING = /Press \[Enter\] to be continued.*$/;
const PROMPT = /^(.*?)(pylon(?:_debug)?|PYTES)>\s*/i;
const REFUSED = /^(Unknown command|Invalid command)/;

export function splitTranscript(text: string): ConsoleTranscript {
  const lines = text.split(/[\r\n]+/).map((line) => line.replace(PAGING, ""));
  const at = lines.findIndex((line) => line.trim() === "@");
  if (at < 0) throw new PylonConsoleError("no_body", "no '@' line: not a console transcript or cut before its output");
  const echo = lines
    .slice(0, at)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .pop();
  const transcript: ConsoleTranscript = { lines: [] };
  if (echo !== undefined) {
    const prompt = PROMPT.exec(echo);
    transcript.command = (prompt ? echo.slice(prompt[0].length) : echo).trim() || undefined;
    if (prompt) transcript.prompt = prompt[2];
    if (transcript.command === undefined) delete transcript.command;
  }
  let ended = false;
  for (const line of lines.slice(at + 1)) {
    const trimmed = line.trim();
    if (trimmed === "$$" || trimmed === COMPLETED) {
      ended = true;
      break;
    }
    if (REFUSED.test(trimmed)) {
      throw new PylonConsoleError("command_refused", `the pack refused the command: ${trimmed}`, {
        ...(transcript.command === undefined ? {} : { command: transcript.command }),
        line: trimmed,
      });
    }
    if (trimmed !== "") transcript.lines.push(line);
  }
  if (!ended) {
    throw new PylonConsoleError("truncated", "the output has no 'Command completed successfully' or '$$': cut off", {
      ...(transcript.command === undefined ? {} : { command: transcript.command }),
    });
  }
  return transcript;
}
