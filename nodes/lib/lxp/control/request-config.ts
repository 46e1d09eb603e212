// Validates an lxp-request node's settings (editor strings, possibly from ${ENV}) and resolves the
// command a message asks for. Defaults and ranges: the lxp-request schema in
// resources/config-schemas.js, which the editor's validators read too.
import { blankValue, rangeOf } from "../../common/config-schema";
import { number, text } from "../../common/config-values";
import { TIMING_LIMITS, timingValue } from "../link/timing-limits";

export interface RequestSettings {
  command?: string;
  /** Fixed value; undefined = msg.payload. */
  value?: unknown;
  timeoutMs: number;
  retries: number;
  autoSyncHours: number;
}

export interface RequestConfigInput {
  command?: unknown;
  value?: unknown;
  timeout?: unknown;
  retries?: unknown;
  autoSync?: unknown;
}

const RETRIES = rangeOf("lxp-request", "retries");

/** A fixed value: JSON when it parses (50, true, {"start":…}), else the text itself ("on"). */
export function parseFixedValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The settings of a configuration; throws on a bad value. A timing value below its minimum is raised
 * to it, and `warn` gets one message per such value (see timing-limits.ts).
 */
export function parseRequestConfig(input: RequestConfigInput, warn?: (message: string) => void): RequestSettings {
  const limits = TIMING_LIMITS["lxp-request"];
  const command = text(input.command);
  const value = text(input.value);
  return {
    command: command || undefined,
    value: value === "" ? undefined : parseFixedValue(value),
    timeoutMs: timingValue(input.timeout, limits.timeout, blankValue("lxp-request", "timeout"), warn) * 1000,
    retries: number(input.retries, RETRIES.what, RETRIES.min, RETRIES.max, blankValue("lxp-request", "retries"), true),
    autoSyncHours: timingValue(input.autoSync, limits.autoSync, blankValue("lxp-request", "autoSync"), warn),
  };
}

/** The command for a message: the configured one wins over msg.topic, a fixed value over msg.payload. */
export function resolveRequest(settings: RequestSettings, msg: { topic?: unknown; payload?: unknown }): { topic: string; payload: unknown } {
  const topic = settings.command ?? (typeof msg.topic === "string" ? msg.topic : "");
  return { topic, payload: settings.value !== undefined ? settings.value : msg.payload };
}
