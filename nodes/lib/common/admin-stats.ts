// The admin endpoint GET /lxp-pylon/stats/:id: the state and counters of a config node's link
// (queue depth, requests, timeouts, bad frames, the last frame), for the edit dialog. Each config
// node type (lxp-dongle, pylon-port) serves its own nodes, behind its own read permission; an id
// that is no such node gets 404. Typed structurally: no Node-RED import.

/** The route, relative to the admin root (the editor asks "lxp-pylon/stats/<id>"). */
export const STATS_ROUTE = "/lxp-pylon/stats/:id";

interface AdminRequest {
  params: Record<string, string>;
}

interface AdminResponse {
  status(code: number): AdminResponse;
  json(body: unknown): void;
}

type Handler = (req: AdminRequest, res: AdminResponse, next: () => void) => void;

/** What of RED this needs (the permission check is Node-RED's middleware, passed on as it is). */
export interface StatsRed {
  httpAdmin: { get(path: string, permission: any, handler: Handler): unknown }; // any: Express's overloaded get()
  auth: { needsPermission(permission: string): unknown };
  nodes: { getNode(id: string): unknown };
}

/** A config node as the runtime holds it. */
interface ConfigNodeLike {
  id: string;
  type: string;
  name?: string;
  configError?: string;
}

/** The config node types whose nodes have stats, whichever handler is asked first. */
const servedTypes = new Set<string>();

/**
 * Serves the stats of `type`'s nodes: `snapshot` of the node's link, or `configError` when its
 * configuration is invalid (no link). Needs the "<type>.read" permission. A node of another served
 * type is left to that type's handler; any other id gets 404.
 */
export function serveLinkStats<N extends ConfigNodeLike>(red: StatsRed, type: string, snapshot: (node: N) => object | undefined): void {
  servedTypes.add(type);
  red.httpAdmin.get(STATS_ROUTE, red.auth.needsPermission(`${type}.read`), (req, res, next) => {
    const node = red.nodes.getNode(req.params.id) as N | null;
    if (node && node.type !== type && servedTypes.has(node.type)) return next();
    if (!node || node.type !== type) {
      res.status(404).json({ error: `no ${[...servedTypes].sort().join(" or ")} with id ${req.params.id} is deployed` });
      return;
    }
    const about = { id: node.id, type: node.type, ...(node.name && { name: node.name }) };
    const link = snapshot(node);
    res.json(link ? { ...about, link } : { ...about, configError: node.configError ?? "no link" });
  });
}
