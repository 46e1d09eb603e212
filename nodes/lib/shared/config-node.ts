// What the two connection-owning config nodes (lxp-dongle, pylon-port) share: building the link
// from the configuration and closing it on redeploy. Typed structurally: no Node-RED import.

interface ClosableLink {
  readonly description: string;
  close(): Promise<void>;
}

interface ConfigNodeLike<L> {
  link?: L;
  configError?: string;
  error(message: string): void;
  warn(message: string): void;
  on(event: "close", handler: (removed: boolean, done: () => void) => void): unknown;
}

/**
 * Runs `build` (which sets up `node.link`); a configuration error is kept in `node.configError`
 * for the user nodes' status instead of throwing. The link is closed when the node closes.
 */
export function ownLink<L extends ClosableLink>(node: ConfigNodeLike<L>, build: () => void): void {
  try {
    build();
  } catch (err) {
    node.configError = (err as Error).message;
    node.error(`invalid configuration: ${node.configError}`);
  }
  node.on("close", (_removed: boolean, done: () => void) => {
    const link = node.link;
    node.link = undefined;
    if (!link) return done();
    link.close().then(
      () => done(),
      (err: Error) => {
        node.warn(`closing ${link.description} failed: ${err.message}`);
        done();
      },
    );
  });
}

interface UserNodeLike {
  status(status: { fill: "red"; shape: "ring"; text: string }): void;
  error(message: string): void;
}

/**
 * The link of the config node a user node picked, or undefined after telling the user (red status,
 * logged error) that none is picked or its configuration is invalid.
 */
export function linkOf<L>(
  node: UserNodeLike,
  configNode: { link?: L; configError?: string } | null,
  type: string,
  noun: string,
): L | undefined {
  if (!configNode) {
    node.status({ fill: "red", shape: "ring", text: `no ${noun} configured` });
    node.error(`no ${type} configured: open the node and pick or add one`);
    return undefined;
  }
  if (!configNode.link) {
    node.status({ fill: "red", shape: "ring", text: `${noun} config invalid` });
    node.error(`the ${type} configuration is invalid: ${configNode.configError ?? "unknown error"}`);
    return undefined;
  }
  return configNode.link;
}
