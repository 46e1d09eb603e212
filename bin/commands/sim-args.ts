// Option parsing and the run-until-signal loop shared by the `sim` commands.
import { CliError } from "./io";

/** A number option within [min, max], or the default when absent. */
export function numberOption(value: string | undefined, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new CliError(`--${name} must be a number ${min}–${max}, got "${value}"`, 2);
  }
  return n;
}

/** A TCP port 0–65535 (0 = any free port). */
export function portOption(value: string | undefined, name: string, fallback: number): number {
  const port = numberOption(value, name, fallback, 0, 65535);
  if (!Number.isInteger(port)) throw new CliError(`--${name} must be a whole port number, got "${value}"`, 2);
  return port;
}

export const logLine = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
};

/** Resolves 0 after SIGINT/SIGTERM once `close` has finished. */
export function runUntilSignal(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void close().then(
        () => resolve(0),
        (err: unknown) => {
          logLine(`error while closing: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
