// The LuxPower and PylonTech simulators as one system (sim/sim-system.ts): both sides decoded with
// the package's codecs must tell the same story about the one battery they share: SOC, the
// direction of the current (LuxPower p_battery = p_charge − p_discharge and bat_current, PylonTech
// current: + = charging in both), the battery voltage and the lowest and highest cell.
import assert from "node:assert/strict";
import { encodeReadInput, encodeWriteSingle, frameToMessage, parseFrame, Target } from "../../nodes/lib/lxp/codec";
import { ALL_PACKS, decodeReply, encodeRequest, PylonCommand, PylonPack, PylonStack, summarizeStack } from "../../nodes/lib/pylon/codec";
import { REG21 } from "../../sim/lxp/dongle";
import { PACK_LAYOUTS } from "../../sim/pylon/pack-layouts";
import { createSimSystem, SimSystem, stackPowerLimitW } from "../../sim/sim-system";

const MIDNIGHT = new Date(2024, 5, 21, 0, 0, 0);
/** Below this many amps a sign says nothing (rounding to 0.1 A per pack). */
const CLEAR_AMPS = 0.5;

type Payload = Record<string, any>;

function target(system: SimSystem): Target {
  return { datalog: system.lxp.datalog, inverter: system.lxp.inverter, protocol: 2 };
}

/** What lxp-in would emit for banks 0 and 80, merged: requests and replies through the LuxPower codec. */
function inverterSays(system: SimSystem): Payload {
  const payload: Payload = {};
  for (const start of [0, 80]) {
    const reply = system.lxp.answer(parseFrame(encodeReadInput(target(system), start, 40)));
    assert.ok(reply, `no reply to the read of inputs ${start}–${start + 39}`);
    Object.assign(payload, frameToMessage(parseFrame(reply)).msg.payload);
  }
  return payload;
}

/** What pylon-poll would read: 0x42 for all packs at the master, through the PylonTech codec. */
function stackSays(system: SimSystem): { packs: PylonPack[]; stack: PylonStack } {
  const request = encodeRequest(PylonCommand.ANALOG_VALUES, { adr: system.pylon.addresses[0], info: ALL_PACKS });
  const reply = system.pylon.reply(request);
  assert.ok(reply, "no reply to 0x42 for all packs");
  const packs = decodeReply(PylonCommand.ANALOG_VALUES, reply.frame, { request }).packs;
  return { packs, stack: summarizeStack(packs, 0) };
}

function writeHold(system: SimSystem, register: number, value: number): void {
  const reply = system.lxp.answer(parseFrame(encodeWriteSingle(target(system), register, value)));
  assert.ok(reply, `no reply to the write of register ${register}`);
}

const direction = (amps: number): -1 | 0 | 1 => (Math.abs(amps) < CLEAR_AMPS ? 0 : amps > 0 ? 1 : -1);

/** Asserts that both sides agree now; returns the stack's current. */
function assertAgree(system: SimSystem, when: string): { inverter: Payload; stack: PylonStack; packs: PylonPack[] } {
  const inverter = inverterSays(system);
  const { packs, stack } = stackSays(system);
  assert.ok(Math.abs(inverter.soc - stack.soc!) <= 2, `${when}: SOC ${inverter.soc} % (inverter) vs ${stack.soc} % (stack)`);
  for (const pack of packs) {
    assert.ok(Math.abs(inverter.soc - pack.soc!) <= 2, `${when}: SOC ${inverter.soc} % vs pack ${pack.address} ${pack.soc} %`);
  }
  const stackDirection = direction(stack.current!);
  if (stackDirection !== 0) {
    assert.equal(Math.sign(inverter.p_battery), stackDirection, `${when}: p_battery ${inverter.p_battery} W vs stack ${stack.current} A`);
    assert.equal(Math.sign(inverter.bat_current), stackDirection, `${when}: bat_current ${inverter.bat_current} A vs stack ${stack.current} A`);
    for (const pack of packs) {
      if (direction(pack.current!) !== 0) assert.equal(direction(pack.current!), stackDirection, `${when}: pack ${pack.address} ${pack.current} A`);
    }
  }
  assert.ok(Math.abs(inverter.bat_current - stack.current!) <= 0.5, `${when}: ${inverter.bat_current} A vs ${stack.current} A`);
  assert.ok(Math.abs(inverter.p_battery - stack.power!) <= 25, `${when}: ${inverter.p_battery} W vs ${stack.power} W`);
  assert.ok(Math.abs(inverter.v_bat - stack.voltage!) <= 0.15, `${when}: ${inverter.v_bat} V vs ${stack.voltage} V`);
  assert.ok(Math.abs(inverter.max_cell_voltage - stack.cell_max!) <= 0.01, `${when}: max cell ${inverter.max_cell_voltage} vs ${stack.cell_max}`);
  assert.ok(Math.abs(inverter.min_cell_voltage - stack.cell_min!) <= 0.01, `${when}: min cell ${inverter.min_cell_voltage} vs ${stack.cell_min}`);
  return { inverter, stack, packs };
}

describe("simulated system: LuxPower inverter and PylonTech stack on one battery", () => {
  const systems: SimSystem[] = [];
  const makeSystem = (start: Date, seed = 42): SimSystem => {
    const system = createSimSystem({ seed, lxp: { clock: "manual", start, intervalSeconds: 0, heartbeatSeconds: 0 } });
    systems.push(system);
    return system;
  };
  afterEach(async () => {
    await Promise.all(systems.splice(0).map((s) => s.close()));
  });

  it("agrees on SOC, current direction, voltage and cells every 20 minutes of a day", () => {
    for (const seed of [42, 7]) {
      const system = makeSystem(MIDNIGHT, seed);
      const socs: number[] = [];
      const directions = new Set<number>();
      for (let minutes = 0; minutes < 24 * 60; minutes += 20) {
        const { inverter, stack } = assertAgree(system, `seed ${seed}, ${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`);
        socs.push(inverter.soc);
        directions.add(direction(stack.current!));
        system.lxp.advance(20 * 60);
      }
      // The day exercised what was compared: both directions and a wide range of SOC.
      assert.ok(directions.has(1) && directions.has(-1), `seed ${seed}: directions seen ${[...directions].join(", ")}`);
      assert.ok(Math.max(...socs) - Math.min(...socs) >= 30, `seed ${seed}: SOC ${Math.min(...socs)}–${Math.max(...socs)} %`);
    }
  });

  it("shares the current among the packs by capacity, each below its BMS limit", () => {
    const system = makeSystem(MIDNIGHT);
    let busiest = 0;
    for (let minutes = 0; minutes < 24 * 60; minutes += 10) {
      const { packs, stack } = stackSays(system);
      for (const [i, pack] of packs.entries()) {
        const layout = system.pylon.packs[i].layout;
        const share = pack.total_ah! / stack.total_ah!;
        assert.ok(Math.abs(pack.current! - stack.current! * share) <= 0.05 * Math.abs(stack.current!) + 0.2, `pack ${pack.address}: ${pack.current} A of ${stack.current} A`);
        assert.ok(pack.current! <= layout.chargeCurrentLimitDeciAmps / 10, `pack ${pack.address} charges at ${pack.current} A`);
        assert.ok(pack.current! >= layout.dischargeCurrentLimitDeciAmps / 10, `pack ${pack.address} discharges at ${pack.current} A`);
        busiest = Math.max(busiest, Math.abs(pack.current!) / (layout.chargeCurrentLimitDeciAmps / 10));
      }
      system.lxp.advance(600);
    }
    assert.ok(busiest > 0.3, `the packs were hardly used: ${busiest.toFixed(2)} of their limit at most`);
  });

  it("sizes the inverter's battery power to the stack: capacity and current limits", () => {
    assert.equal(stackPowerLimitW(["US3000", "US2000", "US3000"]), 4000);
    assert.equal(stackPowerLimitW(["US2000"]), 1000);
    const system = makeSystem(MIDNIGHT);
    const packsAh = system.pylon.packs.reduce((a, p) => a + p.totalAh, 0);
    assert.equal(system.battery.capacityAh, packsAh);
    assert.equal(system.lxp.model.batteryMaxW, 4000);
    assert.equal(system.lxp.model.batteryCapacityWh, packsAh * 15 * 3.2);
    const inverter = inverterSays(system);
    assert.equal(inverter.bat_count, 3);
    assert.equal(inverter.bat_capacity, Math.round(packsAh));
    assert.equal(PACK_LAYOUTS.US3000.capacityMah + PACK_LAYOUTS.US2000.capacityMah + PACK_LAYOUTS.US3000.capacityMah, packsAh * 1000);
  });

  it("turns the stack's current round at once when an inverter setting changes (AC charging at night)", () => {
    const system = makeSystem(new Date(2024, 5, 21, 3, 0, 0));
    const before = assertAgree(system, "03:00, AC charging off");
    assert.ok(before.stack.current! < -CLEAR_AMPS, `at night the house runs on the battery: ${before.stack.current} A`);
    const elapsed = system.pylon.elapsedSeconds;
    // The default AC-charge window is 02:00–05:00: switching AC charging on charges now.
    writeHold(system, 21, system.lxp.holds[21] | REG21.AC_CHARGE);
    const after = assertAgree(system, "03:00, AC charging on");
    assert.ok(after.stack.current! > 10, `AC charging: ${after.stack.current} A`);
    assert.equal(system.pylon.elapsedSeconds, elapsed, "no time passed");
  });

  it("steps the inverter's battery voltage under current as the packs do: cell resistance from the pack layouts", () => {
    for (const packs of [["US2000"], ["US3000", "US2000", "US3000"]] as const) {
      const system = createSimSystem({ packs, lxp: { clock: "manual", start: MIDNIGHT, intervalSeconds: 0, heartbeatSeconds: 0 } });
      systems.push(system);
      const bank = system.battery;
      bank.update(bank.time, 50, 0);
      const resting = bank.cellVolts;
      bank.update(bank.time, 50, 3000);
      // The packs share the current by capacity; the stack's voltage is the mean of theirs.
      const layouts = packs.map((m) => PACK_LAYOUTS[m]);
      const totalMah = layouts.reduce((sum, l) => sum + l.capacityMah, 0);
      const packSteps = layouts.map((l) => ((bank.current * l.capacityMah) / totalMah) * l.cellResistanceOhm);
      const expected = packSteps.reduce((a, b) => a + b, 0) / packSteps.length;
      assert.ok(bank.current > 10, `${bank.current} A`);
      assert.ok(Math.abs(bank.cellVolts - resting - expected) < 1e-9, `${packs.join("+")}: ${bank.cellVolts - resting} V vs ${expected} V`);
    }
  });

  it("refuses a battery capacity of its own next to the shared battery", () => {
    assert.throws(
      () => createSimSystem({ lxp: { clock: "manual", start: MIDNIGHT, plant: { batteryCapacityWh: 5000 } } }),
      /batteryCapacityWh cannot be set with a shared battery/,
    );
  });

  it("moves the stack with the inverter's clock only", () => {
    const system = makeSystem(MIDNIGHT);
    stackSays(system);
    const elapsed = system.pylon.elapsedSeconds;
    system.lxp.advance(900);
    stackSays(system);
    assert.equal(system.pylon.elapsedSeconds, elapsed + 900);
    assert.throws(() => system.pylon.advance(60), /follows a shared battery.*inverter's clock/);
  });
});
