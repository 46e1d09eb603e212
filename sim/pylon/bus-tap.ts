// A listen-only copy of a simulated RS485 bus: every byte either side puts on the wire goes to each
// client (a TCP connection or a pty), as a second adapter wired in parallel would hear it. What a
// client sends is counted and dropped: a listener that talks would be a second master.
import type { Duplex } from "node:stream";
import type { AttachableStack } from "./attachable";

/** A client this far behind loses bus bytes instead of growing memory (a slow listener misses frames). */
const MAX_BACKLOG_BYTES = 64 * 1024;

export class PylonBusTap implements AttachableStack {
  private readonly clients = new Set<Duplex>();
  private received = 0;

  /** Bytes clients sent to the tap (dropped): a passive listener sends none. */
  get bytesReceived(): number {
    return this.received;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Adds a listener; returns a detach function. */
  attach(stream: Duplex): () => void {
    const onData = (chunk: Buffer | string): void => {
      this.received += chunk.length;
    };
    const detach = (): void => {
      stream.off("data", onData);
      stream.off("close", detach);
      this.clients.delete(stream);
    };
    stream.on("data", onData);
    stream.on("close", detach);
    this.clients.add(stream);
    return detach;
  }

  /** Puts bytes on every listener's wire. */
  mirror(bytes: Buffer): void {
    for (const client of this.clients) {
      if (client.destroyed || !client.writable || client.writableLength > MAX_BACKLOG_BYTES) continue;
      client.write(bytes);
    }
  }
}
