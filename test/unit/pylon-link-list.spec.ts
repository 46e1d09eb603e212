import assert from "node:assert/strict";
import { MockBinding } from "@serialport/binding-mock";
import { describeSerialOpenError, listSerialPorts } from "../../nodes/lib/pylon/link";

describe("pylon-link serial port listing and open errors", () => {
  afterEach(() => MockBinding.reset());

  it("lists ports with the fields the editor shows, leaving out the empty ones", async () => {
    MockBinding.createPort("/dev/ttyUSB0", { manufacturer: "FTDI", vendorId: "0403", productId: "6001" });
    MockBinding.createPort("/dev/ttyUSB1", { manufacturer: "" });
    const { ports, error } = await listSerialPorts(MockBinding);
    assert.equal(error, undefined);
    assert.deepEqual(ports, [
      { path: "/dev/ttyUSB0", manufacturer: "FTDI", serialNumber: "1", vendorId: "0403", productId: "6001" },
      { path: "/dev/ttyUSB1", serialNumber: "2" },
    ]);
  });

  it("resolves an empty list and the reason when listing fails (udevadm missing)", async () => {
    const failing = { list: () => Promise.reject(new Error("spawn udevadm ENOENT")) };
    assert.deepEqual(await listSerialPorts(failing), { ports: [], error: "cannot list serial ports: spawn udevadm ENOENT" });
  });

  it("never throws with the platform's own binding", async () => {
    const { ports, error } = await listSerialPorts();
    assert.ok(Array.isArray(ports));
    if (error !== undefined) assert.deepEqual(ports, []);
  });

  it("explains the native bindings' open errors", () => {
    const explain = (message: string) => describeSerialOpenError(new Error(message), "/dev/ttyUSB0").message;
    const reason = (message: string) => describeSerialOpenError(new Error(message), "/dev/ttyUSB0").reason;
    assert.equal(explain("Error: No such file or directory, cannot open /dev/ttyUSB0"), "/dev/ttyUSB0 not found (unplugged?)");
    assert.equal(reason("Error: No such file or directory, cannot open /dev/ttyUSB0"), "not_found");
    assert.match(explain("Error Resource temporarily unavailable Cannot lock port"), /busy \(in use by another program or a previous deploy\)/);
    assert.equal(reason("Error Resource temporarily unavailable Cannot lock port"), "busy");
    assert.match(explain("Error: Permission denied, cannot open /dev/ttyUSB0"), /no permission.*dialout/);
    assert.equal(reason("Error: Permission denied, cannot open /dev/ttyUSB0"), "permission_denied");
    assert.equal(explain("Error: Input/output error"), "cannot open /dev/ttyUSB0: Error: Input/output error");
    assert.equal(reason("Error: Input/output error"), "other");
    const enoent = Object.assign(new Error("open failed"), { code: "ENOENT" });
    assert.equal(describeSerialOpenError(enoent, "COM3").code, "ENOENT", "the system code is kept");
    const original = new Error("x");
    assert.equal(describeSerialOpenError(original, "COM3").cause, original);
  });
});
