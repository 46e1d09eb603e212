// What the two connection-owning config nodes (lxp-dongle, pylon-port) share: building the link
// from the configuration and closing it on redeploy. Typed structurally: no Node-RED import.
import { errorText, nodeFailed, raiseError } from "./node-errors";
import type { NodeStatusLike } from "./status";

interface ClosableLink {
  readonly description: string;
  close(): Promise<void>;
}

interface ConfigNodeLike<L> {
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
export function ownLink<L extends ClosableLink>(node: ConfigNodeLike<L>, build: () => void, close: (link: L) => Promise<void> = (link) => link.close()): void {
  try {
    build();
  } catch (err) {
    node.configError = errorText(err);
    raiseError(node, `invalid configuration: ${node.configError}`);
  }
  node.on("close", (_removed: boolean, done: () => void) => {
    const link = node.link;
    node.link = undefined;
    if (!link) return done();
    close(link).then(
      () => done(),
      (err: Error) => {
        node.warn(`closing ${link.description} failed: ${err.message}`);
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
  type: string,
  noun: string,
): L | undefined {
  if (!configNode) {
    nodeFailed(node, `no ${noun} configured`, `no ${type} configured: open the node and pick or add one`);
    return undefined;
  }
  if (!configNode.link) {
    const status = configNode.configStatus ?? `${noun} config invalid`;
    nodeFailed(node, status, `the ${type} configuration is invalid: ${configNode.configError ?? "unknown error"}`);
    return undefined;
  }
  return configNode.link;
}
