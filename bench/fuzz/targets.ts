// The fuzz targets, in the order `npm run fuzz` runs them.
import { Target } from "./runner";
import { lxpCommandTarget } from "./targets/lxp-command";
import { lxpFrameTarget } from "./targets/lxp-frame";
import { lxpStreamTarget } from "./targets/lxp-stream";
import { pylonFrameTarget } from "./targets/pylon-frame";
import { pylonStreamTarget } from "./targets/pylon-stream";

export const TARGETS: readonly Target[] = [lxpFrameTarget, lxpStreamTarget, pylonFrameTarget, pylonStreamTarget, lxpCommandTarget];

export function targetNamed(name: string): Target | undefined {
  return TARGETS.find((t) => t.name === name);
}
