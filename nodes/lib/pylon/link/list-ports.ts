// Serial ports for the editor's picker and the CLI. Listing fails in containers (Linux spawns
// udevadm) or with a broken native install; the user can still type a path, so never throw.
import { loadDefaultBinding, type SerialBinding } from "./serial-modules";

export interface SerialPortEntry {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export interface SerialPortList {
  ports: SerialPortEntry[];
  /** Why listing failed; `ports` is empty then. */
  error?: string;
}

/** Lists serial ports with the native binding, loaded on first use; tests pass MockBinding. */
export async function listSerialPorts(binding?: Pick<SerialBinding, "list">): Promise<SerialPortList> {
  try {
    const found = await (binding ?? loadDefaultBinding()).list();
    const ports = found.map((p) => {
      const entry: SerialPortEntry = { path: p.path };
      if (p.manufacturer) entry.manufacturer = p.manufacturer;
      if (p.serialNumber) entry.serialNumber = p.serialNumber;
      if (p.vendorId) entry.vendorId = p.vendorId;
      if (p.productId) entry.productId = p.productId;
      return entry;
    });
    return { ports };
  } catch (err) {
    return { ports: [], error: `cannot list serial ports: ${err instanceof Error ? err.message : String(err)}` };
  }
}
