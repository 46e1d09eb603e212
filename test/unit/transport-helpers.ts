// Shared helpers for the transport specs: loopback servers, event waits with deadlines, leak checks.
import { createServer, type Server, type Socket } from "node:net";
import type { PylonTransport } from "../../nodes/lib/pylon/link";
import type { ByteTransport, StateChange, TransportState } from "../../nodes/lib/common/transport";

export const WAIT_MS = 2000;

/** Resolve on the next event that passes `accept`; reject after `ms` so a missing event fails fast. */
export function nextEvent<T extends unknown[]>(
  emitter: NodeJS.EventEmitter,
  name: string,
  accept: (...args: T) => boolean = () => true,
  ms = WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      if (!accept(...(args as T))) return;
      cleanup();
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms waiting for "${name}"`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(name, onEvent);
    };
    emitter.on(name, onEvent);
  });
}

export async function nextState(t: ByteTransport, state: TransportState, ms = WAIT_MS): Promise<StateChange> {
  const [change] = await nextEvent<[StateChange]>(t, "state", (c) => c.state === state, ms);
  return change;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records every event name emitted (to prove "error" never is) and every state change. */
export function record(t: ByteTransport | PylonTransport): { events: string[]; states: StateChange[] } {
  const events: string[] = [];
  const states: StateChange[] = [];
  const emit = t.emit.bind(t) as (name: string, ...args: unknown[]) => boolean;
  (t as unknown as { emit: typeof emit }).emit = (name, ...args) => {
    events.push(name);
    return emit(name, ...args);
  };
  t.on("state", (c) => states.push(c));
  return { events, states };
}

export interface TestServer {
  server: Server;
  port: number;
  sockets: Socket[];
  nextConnection(ms?: number): Promise<Socket>;
  close(): Promise<void>;
}

/** A loopback TCP server on `port` (0 = any free port) that remembers its connections. */
export async function startServer(port = 0): Promise<TestServer> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on("error", () => {}); // resets from a client closing are expected
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("server has no port");
  return {
    server,
    port: address.port,
    sockets,
    nextConnection: async (ms = WAIT_MS) => (await nextEvent<[Socket]>(server, "connection", () => true, ms))[0],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Re-exported: specs of the transports take it from here. */
export { closedPort } from "../support/net";

export function socketClosed(s: Socket): Promise<void> {
  if (s.destroyed && s.closed) return Promise.resolve();
  return nextEvent(s, "close").then(() => undefined);
}

const TRACKED = new Set(["Timeout", "TCPSocketWrap", "TCPServerWrap", "UDPWrap"]);

/** Counts of the handle kinds a transport could leak (timers, sockets). */
export function liveHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (TRACKED.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Closed handles leave the list only after the close callbacks have run. */
export async function settledHandles(): Promise<Record<string, number>> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return liveHandles();
}
