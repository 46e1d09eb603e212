// pylon-poll's behaviour on a pylon-port in mode "passive": it listens instead of polling. Kept out
// of nodes/pylon-poll.ts so that file stays the polling adapter. Takes the node through a small
// interface: no Node-RED imports.
import type { Translate } from "../../common/i18n";
import { finishInput, nodeFailed } from "../../common/node-errors";
import type { NodeStatusLike } from "../../common/status";
import type { PylonPassiveLink } from "../link/passive-link";
import { PassiveListener, type PassiveMessage } from "./passive-listener";
import { parsePylonPollConfig, type PylonPollConfigInput } from "./poll-config";

interface ListeningNode {
  status(status: NodeStatusLike): void;
  send(msg: PassiveMessage): void;
  error(text: string, msg?: object): void;
  warn(text: string): void;
  log(text: string): void;
  on(event: "input", handler: (msg: { topic?: string }, send: (m: PassiveMessage) => void, done: (err?: Error) => void) => void): void;
  on(event: "close", handler: (removed: boolean, done: () => void) => void): void;
}

/**
 * Sends one message per decoded reply the inverter's poll drew, per pack too with "one message per
 * pack"; an input message gets a snapshot of every pack's latest values (docs/pylon-payloads.md §13).
 */
export function listenPassively(node: ListeningNode, link: PylonPassiveLink, port: { label?: string }, config: PylonPollConfigInput, t: Translate): void {
  let perPack: boolean;
  try {
    const parsed = parsePylonPollConfig(config);
    perPack = parsed.perPack;
    if (parsed.intervalMs > 0) node.log(t("pylon-poll.warnings.passiveInterval", { seconds: parsed.intervalMs / 1000 }));
    const unavailable = [
      ...(parsed.settings.chargeManagement ? ["charge management (0x92)"] : []),
      ...(parsed.settings.system ? ["system values (0x60–0x63)"] : []),
    ];
    if (unavailable.length > 0) node.warn(t("pylon-poll.warnings.passiveOptions", { options: unavailable.join(", ") }));
  } catch (err) {
    nodeFailed(node, t("pylon-poll.status.configError"), err);
    return;
  }
  const topic = `pylon/${port.label ?? link.description}`;
  const listener = new PassiveListener(
    link,
    { topic, perPack, t },
    {
      status: (status) => node.status(status),
      send: (messages: PassiveMessage[]) => {
        for (const message of messages) node.send(message);
      },
      error: (text, msg) => node.error(text, msg),
      log: (text) => node.log(text),
    },
  );
  listener.start();

  node.on("input", (msg, send, done) => {
    // Nothing is asked on a listening port: the message gets what the bus carried last.
    const snapshot = listener.snapshot();
    send({ ...msg, topic: snapshot.topic, payload: snapshot.payload });
    finishInput(done, undefined);
  });

  node.on("close", (_removed, done) => {
    listener.stop();
    node.status({});
    done();
  });
}
