// Validates a pylon-poll configuration (strings from the editor, possibly ${ENV}): the interval and
// the settings its poller is shared by. Defaults and ranges: the pylon-poll schema in
// resources/config-schemas.js; limits: ../link/limits.ts.
import { blankValue, checkbox, defaultText, rangeOf } from "../../common/config-schema";
import { text } from "../../common/config-values";
import { limited, type RaisedValue } from "../link/limits";
import type { PollSettings } from "./poller-pool";

export interface PylonPollConfigInput {
  packs?: unknown;
  interval?: unknown;
  chargeManagement?: unknown;
  system?: unknown;
  perPack?: unknown;
  identityMinutes?: unknown;
}

export interface PylonPollConfig {
  /** 0: only on input. */
  intervalMs: number;
  settings: PollSettings;
  /** One message per pack after the cycle message. */
  perPack: boolean;
  /** Values below their minimum, raised to it: the node warns once. */
  raised: RaisedValue[];
}

const PACKS = rangeOf("pylon-poll", "packs");

/** "auto" or a pack count: the pylon-poll setting and the --packs option of `poll pylon`. */
export function parsePacks(value: unknown): number | "auto" {
  const s = text(value) || defaultText("pylon-poll", "packs");
  if (s === "auto") return "auto";
  const n = Number(s);
  if (!Number.isInteger(n) || n < PACKS.min || n > PACKS.max) throw new Error(`packs must be "auto" or ${PACKS.min}–${PACKS.max}, got "${s}"`);
  return n;
}

export function parsePylonPollConfig(input: PylonPollConfigInput): PylonPollConfig {
  const raised: RaisedValue[] = [];
  const intervalMs = limited("interval", input.interval, blankValue("pylon-poll", "interval"), raised) * 1000;
  const settings: PollSettings = {
    packs: parsePacks(input.packs),
    chargeManagement: checkbox("pylon-poll", "chargeManagement", input.chargeManagement),
    system: checkbox("pylon-poll", "system", input.system),
    identityIntervalMs: limited("identityMinutes", input.identityMinutes, blankValue("pylon-poll", "identityMinutes"), raised) * 60_000,
  };
  return { intervalMs, settings, perPack: checkbox("pylon-poll", "perPack", input.perPack), raised };
}
