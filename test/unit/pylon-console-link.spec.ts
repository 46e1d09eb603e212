// PylonConsoleLink against a scripted console port (pylon-console-fake.ts): real fixture
// transcripts in odd chunks and every line-end variant, paging, junk, timeouts, cut-off output,
// close, the queue bound and the wake-up sequence with its baud switches.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { decodeConsole } from "../../nodes/lib/pylon/console";
import {
  CONSOLE_QUEUE_LIMIT,
  CONSOLE_WAKE_FRAME,
  PylonConsoleLink,
  PylonLinkError,
  type PylonPortLinkOptions,
  type StateChange,
} from "../../nodes/lib/pylon/link";
import { type ConsoleScript, FakeConsolePort, withLineEnds } from "./pylon-console-fake";

const DIR = path.resolve(__dirname, "../fixtures/pylon-console");
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), "utf8");
const PWR = fixture("pwr-us3000c-b69.txt");
const BAT = fixture("bat-us3000c-b69.txt");
const PAGING = "Press [Enter] to be continued,other key to exit";

/** An awake pack: a CR alone gets a prompt, `pwr`/`bat 1` their fixtures, anything else "Unknown command". */
function awakePack(eol = "\r\n", overrides: Record<string, (port: FakeConsolePort) => string | undefined> = {}): ConsoleScript {
  return (written, port) => {
    const line = written.replace(/[\r\n]+$/, "");
    if (line === "") return `${eol}pylon>`;
    const override = overrides[line];
    if (override) return override(port);
    if (line === "pwr") return `${withLineEnds(PWR, eol)}${eol}pylon>`;
    if (line === "bat 1") return `${withLineEnds(BAT, eol)}${eol}pylon>`;
    return `${line}${eol}Unknown command '${line}'${eol}pylon>`;
  };
}

interface Harness {
  link: PylonConsoleLink;
  port: FakeConsolePort;
  states: StateChange[];
}

function harness(kind: "serial" | "tcp", script: ConsoleScript, options: Partial<PylonPortLinkOptions> = {}): Harness {
  const port = new FakeConsolePort(kind, script);
  const target: PylonPortLinkOptions =
    kind === "serial" ? { transport: "serial", path: "/dev/ttyFAKE" } : { transport: "tcp", host: "127.0.0.1", port: 1 };
  const link = new PylonConsoleLink({ ...target, timeoutMs: 200, gapMs: 1, retries: 1, reconnectMs: 50, createTransport: () => port, ...options } as PylonPortLinkOptions);
  const states: StateChange[] = [];
  link.on("state", (change) => states.push(change));
  link.register({});
  return { link, port, states };
}

function until(link: PylonConsoleLink, test: (change: StateChange) => boolean): Promise<StateChange> {
  if (test(link.state)) return Promise.resolve(link.state);
  return new Promise((resolve) => {
    const on = (change: StateChange): void => {
      if (!test(change)) return;
      link.off("state", on);
      resolve(change);
    };
    link.on("state", on);
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => err instanceof PylonLinkError && err.code === code);
}

describe("PylonConsoleLink", () => {
  const open: PylonConsoleLink[] = [];
  const make = (...args: Parameters<typeof harness>): Harness => {
    const h = harness(...args);
    open.push(h.link);
    return h;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((link) => link.close()));
  });

  describe("wake-up", () => {
    it("says connected only after a prompt, without a wake-up frame when the console answers at 115200", async () => {
      const { link, port, states } = make("serial", awakePack());
      const connected = await until(link, (s) => s.state === "connected");
      assert.match(connected.detail ?? "", /console pylon> at 115200 baud/);
      assert.ok(states.some((s) => s.state === "connecting" && /waiting for the console prompt/.test(s.detail ?? "")));
      assert.deepEqual(port.writes, [{ text: "\r", baud: 115200 }]);
      assert.equal(link.stats.wakeUps, 0);
    });

    it("wakes a sleeping console: CR at 115200, the frame at 1200, back to 115200, CR LF, prompt", async () => {
      let asleep = true;
      const script: ConsoleScript = (written, port) => {
        if (written === CONSOLE_WAKE_FRAME && port.baud === 1200) asleep = false;
        if (asleep) return undefined; // a sleeping console ignores text
        return port.baud === 115200 && /^[\r\n]+$/.test(written) ? "\n\rpylon>\n\rpylon>" : undefined;
      };
      const { link, port, states } = make("serial", script, { baudRate: 115200 });
      const connected = await until(link, (s) => s.state === "connected");
      assert.deepEqual(port.writes, [
        { text: "\r", baud: 115200 },
        { text: CONSOLE_WAKE_FRAME, baud: 1200 },
        { text: "\r\n", baud: 115200 },
      ]);
      assert.deepEqual(port.baudChanges, [1200, 115200]);
      assert.match(connected.detail ?? "", /woken at 1200 baud/);
      assert.ok(states.some((s) => /console asleep: sending the wake-up frame at 1200 baud/.test(s.detail ?? "")));
      assert.equal(link.stats.wakeUps, 1);
      const exchange = await link.command("pwr").catch((err: Error) => err);
      assert.ok(exchange instanceof PylonLinkError, "this script answers no commands"); // only prompts
    });

    it("reports a console that never answers as disconnected with a retry, and tries again", async () => {
      const { link, port } = make("serial", () => undefined);
      const down = await until(link, (s) => s.state === "disconnected");
      assert.match(down.detail ?? "", /console asleep \(no console prompt at 115200 baud, not even after the wake-up frame at 1200\)/);
      assert.equal(down.retryInMs, 50);
      await rejectsWith(link.command("pwr"), "not_connected");
      await until(link, (s) => s.state === "disconnected" && s.retryInMs === 100);
      assert.equal(port.writes.filter((w) => w.text === CONSOLE_WAKE_FRAME).length, 2);
    });

    it("through a TCP gateway: no baud change, one wake-up frame, and the error names the gateway speed", async () => {
      const { link, port } = make("tcp", () => undefined);
      const down = await until(link, (s) => s.state === "disconnected");
      assert.match(down.detail ?? "", /gateway fixes the baud, so it must be set to 115200/);
      assert.deepEqual(
        port.writes.map((w) => w.text),
        ["\r", CONSOLE_WAKE_FRAME, "\r\n"],
      );
      assert.equal(port.setBaudRate, undefined);
    });
  });

  describe("commands", () => {
    for (const eol of ["\r\n", "\r\r\n", "\n\r"]) {
      it(`returns the pwr transcript (${JSON.stringify(eol)} line ends, 7-byte chunks) that decodes to the printed values`, async () => {
        const { link } = make("serial", awakePack(eol));
        const exchange = await link.command("pwr");
        assert.equal(exchange.attempts, 1);
        const result = decodeConsole(exchange.text);
        assert.equal(result.command, "pwr");
        if (result.command !== "pwr") return;
        assert.equal(result.packs.length, 16);
        assert.deepEqual([result.packs[0].voltage, result.packs[0].soc, result.packs[0].mos_temperature], [50.777, 5, 28.2]);
        assert.equal(result.packs[1].absent, true);
        assert.ok(!/pylon>\s*$/.test(exchange.text), "the next prompt is not part of the transcript");
      });
    }

    it("answers the paging prompt with CR and joins the pages", async () => {
      const lines = withLineEnds(BAT, "\r\n").split("\r\n");
      const first = lines.slice(0, 10).join("\r\n");
      const rest = lines.slice(10).join("\r\n");
      const script = awakePack("\r\n", { "bat 1": () => `${first}\r\n${PAGING}` });
      const { link, port } = make("serial", (written, p) => (written === "\r" && port.writes.length > 2 ? `\r\n${rest}\r\npylon>` : script(written, p)));
      await until(link, (s) => s.state === "connected");
      const exchange = await link.command("bat 1");
      const result = decodeConsole(exchange.text);
      assert.equal(result.command, "bat");
      if (result.command !== "bat") return;
      assert.equal(result.cells.length, 15);
      assert.deepEqual([result.cells[14].voltage, result.cells[14].balancing], [3.369, true]);
      assert.equal(link.stats.pages, 1);
      assert.deepEqual(
        port.writes.map((w) => w.text),
        ["\r", "bat 1\r", "\r"],
      );
    });

    it("counts junk that arrives between commands and still reads the next transcript", async () => {
      const { link, port } = make("serial", awakePack());
      await until(link, (s) => s.state === "connected");
      port.send("\x00\xffnoise\r\n");
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(link.stats.ignoredBytes, 9);
      const result = decodeConsole((await link.command("pwr")).text);
      assert.equal(result.command, "pwr");
    });

    it("retries after a timeout", async () => {
      let silent = 1;
      const { link } = make("serial", awakePack("\r\n", { pwr: () => (silent-- > 0 ? undefined : `${withLineEnds(PWR, "\r\n")}\r\npylon>`) }));
      const exchange = await link.command("pwr");
      assert.equal(exchange.attempts, 2);
      assert.deepEqual([link.stats.timeouts, link.stats.retries, link.stats.replies], [1, 1, 1]);
    });

    it("a command unanswered through every attempt probes the prompt without a state change while the console answers it", async () => {
      // A slow `stat 1` on an awake console is not a reconnect: pylon-poll would reset its poller
      // (and re-read every pack's identity each cycle) on one.
      const { link, port, states } = make("serial", awakePack("\r\n", { "stat 1": () => undefined }));
      await until(link, (s) => s.state === "connected");
      const seen = states.length;
      await rejectsWith(link.command("stat 1"), "timeout");
      const exchange = await link.command("pwr"); // waits for the probe's prompt, then goes
      assert.equal(exchange.attempts, 1);
      assert.deepEqual(states.slice(seen), [], "no connecting/connected after the timeout");
      assert.equal(link.state.state, "connected");
      assert.equal(link.stats.wakeUps, 0, "the prompt answered: no wake-up frame");
      assert.ok(port.writes.filter((w) => w.text === "\r").length >= 2, "the prompt was probed again");
    });

    it("retries output cut off by a prompt before $$, and refuses it as cut_off when retries run out", async () => {
      const cut = `${withLineEnds(PWR, "\r\n").split("\r\n").slice(0, 5).join("\r\n")}\r\npylon>`;
      let cuts = 1;
      const { link } = make("serial", awakePack("\r\n", { pwr: () => (cuts-- > 0 ? cut : `${withLineEnds(PWR, "\r\n")}\r\npylon>`) }));
      assert.equal((await link.command("pwr")).attempts, 2);
      assert.equal(link.stats.badFrames, 1);
      cuts = 5;
      await rejectsWith(link.command("pwr", { retries: 0 }), "cut_off");
      assert.equal(link.stats.badFrames, 2);
    });

    it("passes an answer without output (Unknown command) to the parser, which refuses it", async () => {
      const { link } = make("serial", awakePack());
      const exchange = await link.command("pwrsys");
      assert.match(exchange.text, /^pwrsys\r\nUnknown command 'pwrsys'/);
    });

    it("refuses overlong output as too_long, drops the rest up to the prompt and goes on", async () => {
      const line = `${"9".repeat(98)}\r\n`;
      const { link, port } = make("serial", awakePack("\r\n", { stat: () => `stat\r\n@\r\n${line.repeat(2700)}$$\r\npylon>` }));
      await until(link, (s) => s.state === "connected");
      port.chunkSize = 4096;
      await rejectsWith(link.command("stat"), "too_long");
      const result = decodeConsole((await link.command("pwr")).text);
      assert.equal(result.command, "pwr");
      assert.equal(link.stats.badFrames, 1);
    });

    it("refuses bad command lines and a full queue", async () => {
      const { link } = make("serial", awakePack("\r\n", { pwr: () => undefined }), { timeoutMs: 5_000, retries: 0 });
      await until(link, (s) => s.state === "connected");
      for (const bad of ["pwr\r", "bat 123", "PWR", "bat 1; reboot", ""]) await rejectsWith(link.command(bad), "invalid_request");
      const pending = [link.command("pwr")];
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < CONSOLE_QUEUE_LIMIT; i++) pending.push(link.command("pwr"));
      assert.equal(link.queued, CONSOLE_QUEUE_LIMIT);
      await rejectsWith(link.command("pwr"), "queue_full");
      const settled = Promise.allSettled(pending);
      await link.close();
      const results = await settled;
      assert.ok(results.every((r) => r.status === "rejected" && (r.reason as PylonLinkError).code === "closed"));
    });

    it("close() mid-command rejects it with closed, releases the port once, and is idempotent", async () => {
      const { link, port } = make("serial", awakePack("\r\n", { pwr: () => "pwr\r\n@\r\nPower Volt" }), { timeoutMs: 5_000 });
      await until(link, (s) => s.state === "connected");
      const inFlight = link.command("pwr");
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(link.pending, 1);
      await Promise.all([link.close(), link.close()]);
      await rejectsWith(inFlight, "closed");
      await rejectsWith(link.command("pwr"), "closed");
      assert.equal(port.closeCalls, 1);
    });

    it("closes the port after the last user leaves, and a new user opens and wakes a new one", async () => {
      const ports: FakeConsolePort[] = [];
      const link = new PylonConsoleLink({
        transport: "serial",
        path: "/dev/ttyFAKE",
        timeoutMs: 200,
        idleCloseMs: 1,
        createTransport: () => {
          ports.push(new FakeConsolePort("serial", awakePack()));
          return ports[ports.length - 1];
        },
      });
      open.push(link);
      const user = {};
      link.register(user);
      await until(link, (s) => s.state === "connected");
      link.deregister(user);
      await until(link, (s) => s.state === "closed");
      assert.deepEqual([ports.length, ports[0].closeCalls, link.userCount], [1, 1, 0]);
      link.register(user);
      await until(link, (s) => s.state === "connected");
      assert.equal(ports.length, 2);
      assert.deepEqual(ports[1].writes.map((w) => w.text), ["\r"], "woken (probed) again");
      assert.equal(decodeConsole((await link.command("pwr")).text).command, "pwr");
    });

    it("answers a paging prompt printed only in part once the line stays quiet", async () => {
      const lines = withLineEnds(BAT, "\r\n").split("\r\n");
      let paged = false;
      const script = awakePack("\r\n", { "bat 1": () => `${lines.slice(0, 10).join("\r\n")}\r\nPress [Enter] to be continued` });
      const { link } = make("serial", (written, p) => {
        if (written === "\r" && p.writes.length > 2) {
          paged = true;
          return `\r\n${lines.slice(10).join("\r\n")}\r\npylon>`;
        }
        return script(written, p);
      });
      await until(link, (s) => s.state === "connected");
      const result = decodeConsole((await link.command("bat 1")).text);
      assert.ok(paged);
      assert.equal(result.command === "bat" && result.cells.length, 15);
    });
  });
});
