// Validates a pylon-poll configuration (strings from the editor, possibly ${ENV}): the interval and
// the settings its poller is shared by. Limits: ../link/limits.ts.
import { text } from "../../shared/config-values";
import { limited, type RaisedValue } from "../link/limits";
import type { PollSettings } from "./poller-pool";

export interface PylonPollConfigInput {
  packs?: unknown;
  interval?: unknown;
  chargeManagement?: unknown;
  system?: unknown;
  identityMinutes?: unknown;
}

export interface PylonPollConfig {
  /** 0: only on input. */
  intervalMs: number;
  settings: PollSettings;
  /** Values below their minimum, raised to it: the node warns once. */
  raised: RaisedValue[];
}

export function parsePacks(value: unknown): number | "auto" {
  const s = text(value) || "auto";
  if (s === "auto") return "auto";
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`packs must be "auto" or 1–16, got "${s}"`);
  return n;
}

export function parsePylonPollConfig(input: PylonPollConfigInput): PylonPollConfig {
  const raised: RaisedValue[] = [];
  const intervalMs = limited("interval", input.interval, 10, raised) * 1000;
  const settings: PollSettings = {
    packs: parsePacks(input.packs),
    chargeManagement: input.chargeManagement === true,
    system: input.system === true,
    identityIntervalMs: limited("identityMinutes", input.identityMinutes, 60, raised) * 60_000,
  };
  return { intervalMs, settings, raised };
}
