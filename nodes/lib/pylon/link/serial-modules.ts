// Loads serialport's modules on first use, so a broken native install fails one port with a clear
// status instead of the whole package at require time (Node-RED would drop every node of it).
import { createRequire } from "node:module";
import type { BindingInterface } from "@serialport/bindings-interface";
import type * as SerialStreamModule from "@serialport/stream";
import type * as BindingsModule from "@serialport/bindings-cpp";

export type SerialBinding = BindingInterface;
export type SerialStreamClass = typeof SerialStreamModule.SerialPortStream;

let streamClass: SerialStreamClass | undefined;
let defaultBinding: SerialBinding | undefined;

// Resolved from serialport's own folder: `serialport` is the declared dependency and these are its own.
function requireFromSerialport(id: string): unknown {
  const fromHere = createRequire(__filename);
  return createRequire(fromHere.resolve("serialport"))(id);
}

function loadError(what: string, err: unknown): Error {
  const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return new Error(`cannot load ${what}: ${reason}`, { cause: err });
}

/** SerialPortStream from @serialport/stream (plain JavaScript). */
export function loadSerialStream(): SerialStreamClass {
  if (streamClass) return streamClass;
  try {
    streamClass = (requireFromSerialport("@serialport/stream") as typeof SerialStreamModule).SerialPortStream;
  } catch (err) {
    throw loadError("the serial port stream (@serialport/stream)", err);
  }
  return streamClass;
}

/** The native binding for this platform; loading it is what fails on a broken install. */
export function loadDefaultBinding(): SerialBinding {
  if (defaultBinding) return defaultBinding;
  try {
    defaultBinding = (requireFromSerialport("@serialport/bindings-cpp") as typeof BindingsModule).autoDetect();
  } catch (err) {
    throw loadError("the native serial port driver (@serialport/bindings-cpp)", err);
  }
  return defaultBinding;
}
