// Runs one command of the vocabulary against a dongle: safety checks first (nothing is sent when a
// check fails), then the exchanges, each write verified by its echo and a read-back (lxp-protocol.md §4c, §4d, §9).
// Used by the lxp-request node and `lxp-pylon lxp`; the output is frameToMessage's message (docs/lxp-payloads.md).
import type { DecodedMessage, DongleLink } from "../link/dongle-link";
import { Command, CLOCK_REGISTER, LxpCommandError, parseCommand, writtenRegisters } from "./commands";
import type { ExchangeFn, QueueOptions, QueuePlace } from "../link/requester";
import { LxpRequestError } from "../link/request-error";
import { errorText } from "../../common/node-errors";
import { describeRegisterList, forbiddenRegisters } from "../link/write-policy";
import { clockDriftSeconds, clockRegisters, needsSync, SYNC_TOLERANCE_S } from "./time-sync";
import {
  DeviceFunction,
  encodeReadHold,
  encodeReadInput,
  encodeReadParam,
  encodeWriteMulti,
  encodeWriteSingle,
  type LxpMeta,
  type ReadReplyFrame,
  type Target,
} from "../codec";

export interface ControlOptions {
  /** Reply timeout per attempt. */
  timeoutMs: number;
  /** Extra attempts after a timeout. */
  retries: number;
  /**
   * How long to wait for the dongle's serials when they are neither configured nor learned yet; added
   * to the deadline. Default: the wait is bounded by the deadline itself, timeoutMs × (retries + 1).
   */
  serialWaitMs?: number;
  /** The host's clock, for sync_time. */
  now?: () => Date;
  /** Aborted when the requesting node closes: its queued commands must not reach the inverter. */
  signal?: AbortSignal;
}

/** The command as it was asked for, echoed in msg.request. */
export interface CommandRequest {
  topic: string;
  payload: unknown;
}

export interface ControlMessage {
  topic: string;
  payload: unknown;
  lxp?: LxpMeta;
  result: "ok" | "fail";
  request: CommandRequest;
  /** Why it failed (fail only). */
  reason?: string;
  /** sync_time only: inverter minus host time before the sync, and whether the clock was set. */
  sync?: { drift_s: number | null; written: boolean; tolerance_s: number };
}

export interface ControlOutcome {
  msg: ControlMessage;
  /** Set when msg.result is "fail". */
  error?: LxpRequestError;
}

function ok(decoded: DecodedMessage, request: CommandRequest): ControlMessage {
  const { topic, payload, lxp } = decoded.msg;
  return { topic, payload, lxp, result: "ok", request };
}

function fail(error: LxpRequestError, request: CommandRequest): ControlOutcome {
  const msg: ControlMessage = error.reply
    ? { topic: error.reply.msg.topic, payload: error.reply.msg.payload, lxp: error.reply.msg.lxp, result: "fail", request, reason: error.message }
    : { topic: request.topic, payload: error.message, result: "fail", request, reason: error.message };
  return { msg, error };
}

/** Refuses a command that would write where the dongle configuration does not allow it. */
function checkWritable(link: DongleLink, command: Command, topic: string): void {
  const wanted = writtenRegisters(command);
  if (wanted.length === 0) return;
  const refusal = link.writeRefusal;
  if (refusal) throw new LxpRequestError("refused", `${topic}: ${refusal} (nothing was sent)`);
  const policy = link.writePolicy;
  if (!policy.allowed) {
    throw new LxpRequestError(
      "refused",
      `${topic}: writes are disabled on this dongle; turn on "Allow writes" in the lxp-dongle configuration (nothing was sent)`,
    );
  }
  const forbidden = forbiddenRegisters(policy, wanted);
  if (forbidden.length > 0) {
    const list = describeRegisterList(policy.registers ?? []);
    throw new LxpRequestError(
      "refused",
      `${topic}: register${forbidden.length > 1 ? "s" : ""} ${forbidden.join(", ")} not in the writable registers (${list}) of the lxp-dongle configuration (nothing was sent)`,
    );
  }
}

/** The command a request asks for, if it is valid and allowed; throws LxpRequestError otherwise. */
export function checkCommand(link: DongleLink, request: CommandRequest): Command {
  let command: Command;
  try {
    command = parseCommand(request.topic, request.payload);
  } catch (err) {
    if (err instanceof LxpCommandError) throw new LxpRequestError("invalid", `${err.message} (nothing was sent)`, undefined, { cause: err });
    // A payload whose getters or Proxy traps throw: as invalid as any other bad value.
    throw new LxpRequestError("invalid", `${request.topic.slice(0, 40)}: the value cannot be read: ${errorText(err)} (nothing was sent)`, undefined, {
      cause: err,
    });
  }
  checkWritable(link, command, request.topic);
  return command;
}

/**
 * A command's deadline, from the moment it takes its place in the dongle's queue: as long as one
 * exchange may take to fail, timeout × (retries + 1). A command still waiting then fails unsent, and
 * none of its write frames is sent after it.
 */
export function queueDeadlineMs(options: Pick<ControlOptions, "timeoutMs" | "retries">): number {
  return options.timeoutMs * (options.retries + 1);
}

export async function runCommand(link: DongleLink, request: CommandRequest, options: ControlOptions): Promise<ControlOutcome> {
  let place: QueuePlace | undefined;
  try {
    const command = checkCommand(link, request);
    // Taken before the wait for the serials, so requests waiting for them count against the queue limit too.
    const taken = link.requester.reserve(request.topic);
    place = taken;
    // The deadline runs from now and covers the wait for the serials; a longer wait asked for
    // explicitly (the CLI's --wait) is added to it.
    const waitMs = options.serialWaitMs ?? queueDeadlineMs(options);
    const maxWaitMs = (options.serialWaitMs ?? 0) + queueDeadlineMs(options);
    const queue: QueueOptions = { maxWaitMs, description: request.topic, signal: options.signal };
    const run = (task: (exchange: ExchangeFn) => Promise<ControlOutcome>) => taken.run((exchange) => task(guard(exchange, options.signal)), queue);
    if (command.kind === "read-param") {
      // A param read names the dongle only: the datalog serial (any frame, heartbeats too) is enough.
      const { datalog } = await link.waitForTarget(waitMs, false);
      return await run(async (exchange) => ({ msg: ok(await readParam(exchange, datalog, command.param, options), request) }));
    }
    const target = await link.waitForTarget(waitMs);
    const knowsReplyDirection = (): boolean => link.knowsReplyDirection(target.datalog);
    return await run((exchange) => new Session(exchange, target, options, request, knowsReplyDirection).execute(command));
  } catch (err) {
    place?.release(); // no-op once the task was queued
    if (err instanceof LxpRequestError) return fail(err, request);
    return fail(new LxpRequestError("invalid", `${request.topic}: ${(err as Error).message}`), request);
  }
}

/** Stops a command between its exchanges once its node has closed (a partial redeploy keeps the link). */
function guard(exchange: ExchangeFn, signal: AbortSignal | undefined): ExchangeFn {
  return (ex) => {
    if (signal?.aborted) return Promise.reject(new LxpRequestError("closed", `${ex.description}: the lxp-request node was closed (not sent)`));
    return exchange(ex);
  };
}

function readParam(exchange: ExchangeFn, datalog: string, param: number, options: ControlOptions): Promise<DecodedMessage> {
  return exchange({
    frame: encodeReadParam(datalog, param),
    expect: { kind: "param", datalog, param },
    description: `read param ${param}`,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
  });
}

/** A command on the inverter's registers (all but a param read of the dongle). */
type RegisterCommand = Exclude<Command, { kind: "read-param" }>;

/** The exchanges of one register command, with one target and one set of timeouts. */
class Session {
  constructor(
    private readonly exchange: ExchangeFn,
    private readonly target: Target,
    private readonly options: ControlOptions,
    private readonly request: CommandRequest,
    /** Whether the dongle has sent a reply that shows the direction byte its echoes carry. */
    private readonly knowsReplyDirection: () => boolean,
  ) {}

  async execute(command: RegisterCommand): Promise<ControlOutcome> {
    const done = (decoded: DecodedMessage): ControlOutcome => ({ msg: ok(decoded, this.request) });
    switch (command.kind) {
      case "read-input":
        return done(await this.read(DeviceFunction.READ_INPUT, command.register, command.count));
      case "read-hold":
        return done(await this.read(DeviceFunction.READ_HOLD, command.register, command.count));
      case "write":
        if (command.multi) await this.writeMulti(command.register, command.values);
        else await this.writeSingle(command.register, command.values[0]);
        return done(await this.readBack(command.register, command.values));
      case "window":
        await this.writeSingle(command.register, command.values[0]);
        await this.writeSingle(command.register + 1, command.values[1]);
        return done(await this.readBack(command.register, command.values));
      case "bit":
        return done(await this.setBit(command.register, command.bit, command.on));
      case "sync-time":
        return this.syncTime();
    }
  }

  private send(frame: Buffer, deviceFunction: number, register: number, match: { count?: number; value?: number }, description: string) {
    return this.exchange({
      frame,
      expect: { kind: "translated", ...this.target, deviceFunction, register, ...match },
      description,
      timeoutMs: this.options.timeoutMs,
      retries: this.options.retries,
    });
  }

  private read(fn: typeof DeviceFunction.READ_HOLD | typeof DeviceFunction.READ_INPUT, register: number, count: number) {
    const input = fn === DeviceFunction.READ_INPUT;
    const frame = input ? encodeReadInput(this.target, register, count) : encodeReadHold(this.target, register, count);
    return this.send(frame, fn, register, { count }, `read ${input ? "input" : "hold"} ${register} ×${count}`);
  }

  private async writeSingle(register: number, value: number): Promise<void> {
    const what = `write hold ${register} = ${value}`;
    if (!this.knowsReplyDirection()) await this.learnReplyDirection(register);
    const reply = await this.send(encodeWriteSingle(this.target, register, value), DeviceFunction.WRITE_SINGLE, register, { value }, what);
    const echoed = reply.frame.kind === "translated" && "value" in reply.frame ? reply.frame.value : undefined;
    if (echoed !== value) throw new LxpRequestError("verify", `${what}: the inverter echoed ${echoed}`, reply);
  }

  /**
   * An EG4 dongle's write-single echo looks like a request and is taken only once the dongle's
   * replies showed direction 00 (link/match.ts): with no reply seen yet, read the register first. An
   * exception reply tells nothing but does not stop the write (the read-back decides).
   */
  private async learnReplyDirection(register: number): Promise<void> {
    try {
      await this.read(DeviceFunction.READ_HOLD, register, 1);
    } catch (err) {
      if (!(err instanceof LxpRequestError && err.code === "exception")) throw err;
    }
  }

  private async writeMulti(register: number, values: readonly number[]): Promise<void> {
    const what = `write hold ${register} ×${values.length}`;
    const reply = await this.send(encodeWriteMulti(this.target, register, values), DeviceFunction.WRITE_MULTI, register, { count: values.length }, what);
    const count = reply.frame.kind === "translated" && "count" in reply.frame ? reply.frame.count : undefined;
    if (count !== values.length) throw new LxpRequestError("verify", `${what}: the inverter confirmed ${count} registers`, reply);
  }

  private holdValues(decoded: DecodedMessage): number[] {
    return (decoded.frame as ReadReplyFrame).values;
  }

  /** Reads the written registers again; they must hold what was written. */
  private async readBack(register: number, values: readonly number[]): Promise<DecodedMessage> {
    const reply = await this.read(DeviceFunction.READ_HOLD, register, values.length);
    const got = this.holdValues(reply);
    const k = values.findIndex((v, i) => got[i] !== v);
    if (k >= 0) {
      throw new LxpRequestError("verify", `read-back of hold ${register + k} gives ${got[k]}, ${values[k]} was written`, reply);
    }
    return reply;
  }

  /** Read-modify-write of one bit, as an unsigned 16-bit value (values above 32767 are normal here). */
  private async setBit(register: number, bit: number, on: boolean): Promise<DecodedMessage> {
    const current = await this.read(DeviceFunction.READ_HOLD, register, 1);
    const before = this.holdValues(current)[0];
    const mask = 1 << bit;
    const after = (on ? before | mask : before & ~mask) & 0xffff;
    if (after === before) return current;
    await this.writeSingle(register, after);
    return this.readBack(register, [after]);
  }

  private async syncTime(): Promise<ControlOutcome> {
    const now = this.options.now ?? (() => new Date());
    const clock = await this.read(DeviceFunction.READ_HOLD, CLOCK_REGISTER, 3);
    const drift = clockDriftSeconds(this.holdValues(clock), now());
    const sync = { drift_s: Number.isFinite(drift) ? drift : null, written: false, tolerance_s: SYNC_TOLERANCE_S };
    if (!needsSync(drift)) return { msg: { ...ok(clock, this.request), sync } };

    await this.writeMulti(CLOCK_REGISTER, clockRegisters(now()));
    const check = await this.read(DeviceFunction.READ_HOLD, CLOCK_REGISTER, 3);
    const after = clockDriftSeconds(this.holdValues(check), now());
    if (needsSync(after)) {
      throw new LxpRequestError("verify", `sync_time: the inverter clock is still ${after} s off after setting it`, check);
    }
    return { msg: { ...ok(check, this.request), sync: { ...sync, written: true } } };
  }
}
