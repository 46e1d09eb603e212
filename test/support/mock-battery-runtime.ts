// Starts and stops the Node-RED test runtime with pylon-port's serial ports on a MockBattery
// (@serialport/binding-mock), the same way for every node spec that needs one.
import { MockBinding } from "@serialport/binding-mock";
import helper from "node-red-node-test-helper";
import type { MockBattery } from "../unit/pylon-link-helpers";

export async function startWithBattery(battery: MockBattery): Promise<void> {
  helper.settings({ pylonPortSerialBinding: battery.binding } as any);
  await helper.startServer();
}

/** Unloads the flows, stops the battery's replies, forgets the mock ports and stops the runtime. */
export async function stopWithBattery(battery: MockBattery): Promise<void> {
  await helper.unload();
  battery.stop();
  MockBinding.reset();
  helper.settings({});
  await new Promise<void>((resolve) => helper.stopServer(resolve));
}
