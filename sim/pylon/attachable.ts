// What a server needs of a simulated stack: the servers take this instead of the stack class so
// stack.ts can start them without an import cycle.
import type { Duplex } from "node:stream";

export interface AttachableStack {
  /** Answers requests read from `stream` by writing replies to it; returns a detach function. */
  attach(stream: Duplex): () => void;
}
