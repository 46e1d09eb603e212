// PylonConsoleLink against the real `lxp-pylon sim pylon --console` process over TCP on
// 127.0.0.1: the wake-up frame wakes the asleep console, paging is answered, and the transcripts
// decode. The process is stopped by its own PID.
import assert from "node:assert/strict";
import { decodeConsole } from "../../nodes/lib/pylon/console";
import { PylonConsoleLink, type StateChange } from "../../nodes/lib/pylon/link";
import { CliProcess } from "../support/cli";
import { waitFor } from "../support/net";

describe("console link against sim pylon --console (TCP)", () => {
  let cli: CliProcess | undefined;
  let link: PylonConsoleLink | undefined;

  afterEach(async () => {
    await link?.close();
    link = undefined;
    if (cli) assert.equal(await cli.stop("SIGINT"), 0, cli.stderr);
    cli = undefined;
  });

  it("wakes the asleep console, then reads pwr and a paged bat 2 that decode", async () => {
    cli = new CliProcess(["sim", "pylon", "--console", "--wake", "--firmware", "pytes", "--tcp", "0", "--packs", "US3000,US2000", "--seed", "5"]);
    const proc = cli;
    await waitFor(() => proc.lines.length >= 2 || proc.exitCode !== undefined, 10000, "the sim's address lines");
    const port = Number(/^listening tcp 127\.0\.0\.1:(\d+)$/.exec(proc.lines[0] ?? "")?.[1]);
    assert.ok(port > 0, `stdout: ${proc.lines.join(" | ")}; stderr: ${proc.stderr}`);
    assert.equal(proc.lines[1], "console firmware=pytes prompt=PYTES> awake=false packs=US3000,US2000");

    link = new PylonConsoleLink({ transport: "tcp", host: "127.0.0.1", port, timeoutMs: 1000, gapMs: 5 });
    const states: StateChange[] = [];
    link.on("state", (s) => states.push(s));
    link.register({});
    const pwr = decodeConsole((await link.command("pwr")).text);
    assert.ok(states.some((s) => /console asleep: sending the wake-up frame/.test(s.detail ?? "")), "woken");
    assert.match(link.state.detail ?? "", /console PYTES> at the gateway's speed, woken/);
    assert.equal(link.stats.wakeUps, 1);
    assert.equal(pwr.command, "pwr");
    if (pwr.command !== "pwr") return;
    assert.equal(pwr.packs.filter((p) => !p.absent).length, 2);
    assert.ok(pwr.packs[0].voltage !== undefined && pwr.packs[0].voltage > 40 && pwr.packs[0].voltage < 56);

    const bat = decodeConsole((await link.command("bat 2")).text);
    assert.equal(bat.command, "bat");
    if (bat.command !== "bat") return;
    assert.equal(bat.cells.length, 15);
    assert.ok(link.stats.pages >= 2, `pages ${link.stats.pages}`); // pwr (16 rows) and bat (15 cells) page once each
  });
});
