// What the two connection-owning config nodes (lxp-dongle, pylon-port) share: building the link
// from the configuration and closing it on redeploy. Typed structurally: no Node-RED import.
import { english, type Translate } from "./i18n";
import { errorText, nodeFailed, raiseError } from "./node-errors";
import type { NodeStatusLike } from "./status";

/** The texts about a config node, in its catalog. */
const CONFIG_TEXTS = {
  "lxp-dongle": {
    config: "lxp-dongle.errors.config",
    closeFailed: "lxp-dongle.errors.closeFailed",
    missingStatus: "lxp-dongle.status.missing",
    missing: "lxp-dongle.errors.missing",
    invalidStatus: "lxp-dongle.status.invalid",
    invalid: "lxp-dongle.errors.invalid",
    unknown: "lxp-dongle.errors.unknown",
  },
  "pylon-port": {
    config: "pylon-port.errors.config",
    closeFailed: "pylon-port.errors.closeFailed",
    missingStatus: "pylon-port.status.missing",
    missing: "pylon-port.errors.missing",
    invalidStatus: "pylon-port.status.invalid",
    invalid: "pylon-port.errors.invalid",
    unknown: "pylon-port.errors.unknown",
  },
} as const;

export type ConfigNodeType = keyof typeof CONFIG_TEXTS;

interface ClosableLink {
  readonly description: string;
  close(): Promise<void>;
}

interface ConfigNodeLike<L> {
  /** lxp-dongle or pylon-port: whose catalog words its errors. */
  readonly type: string;
  link?: L;
  configError?: string;
  /** Short status for the user nodes instead of "… config invalid" (e.g. "port in use"). */
  configStatus?: string;
  error(message: string): void;
  warn(message: string): void;
  on(event: "close", handler: (removed: boolean, done: () => void) => void): unknown;
}

/**
 * Runs `build` (which sets up `node.link`); a configuration error is kept in `node.configError`
 * for the user nodes' status instead of throwing. The link is closed when the node closes, by
 * `close` when given (a link shared with other config nodes is given back, not closed).
 */
export function ownLink<L extends ClosableLink>(
  node: ConfigNodeLike<L>,
  build: () => void,
  close: (link: L) => Promise<void> = (link) => link.close(),
  t: Translate = english,
): void {
  const texts = CONFIG_TEXTS[node.type as ConfigNodeType];
  if (!texts) throw new TypeError(`ownLink: ${node.type} is not a config node of this package`);
  try {
    build();
  } catch (err) {
    node.configError = errorText(err);
    raiseError(node, t(texts.config, { error: node.configError }));
  }
  node.on("close", (_removed: boolean, done: () => void) => {
    const link = node.link;
    node.link = undefined;
    if (!link) return done();
    close(link).then(
      () => done(),
      (err: Error) => {
        node.warn(t(texts.closeFailed, { link: link.description, error: err.message }));
        done();
      },
    );
  });
}

interface UserNodeLike {
  status(status: NodeStatusLike): void;
  error(message: string): void;
}

/**
 * The link of the config node a user node picked, or undefined after telling the user (red status,
 * logged error) that none is picked or its configuration is invalid.
 */
export function linkOf<L>(
  node: UserNodeLike,
  configNode: { link?: L; configError?: string; configStatus?: string } | null,
  type: ConfigNodeType,
  t: Translate = english,
): L | undefined {
  const texts = CONFIG_TEXTS[type];
  if (!configNode) {
    nodeFailed(node, t(texts.missingStatus), t(texts.missing));
    return undefined;
  }
  if (!configNode.link) {
    const status = configNode.configStatus ?? t(texts.invalidStatus);
    nodeFailed(node, status, t(texts.invalid, { error: configNode.configError ?? t(texts.unknown) }));
    return undefined;
  }
  return configNode.link;
}
