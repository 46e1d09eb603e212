// An RS485-to-TCP gateway in raw mode (ser2net, USR, Waveshare, Elfin): the LXP TCP client, reused,
// behind the Pylon transport contract.
import { EventEmitter } from "node:events";
import { TcpClientTransport } from "../../common/transport";
import { describeGatewayFailure } from "./gateway-errors";
import { PylonLinkError } from "./link-error";
import type { PylonTransport, PylonTransportEvents, TransportState } from "./types";

export interface TcpGatewayOptions {
  host: string;
  port: number;
  /** Delay between reconnect attempts. Default 2000. */
  reconnectMs?: number;
  /** With a value above reconnectMs, the delay doubles per failure up to this. Default: reconnectMs (fixed). */
  reconnectMaxMs?: number;
  /** TCP keep-alive initial delay. Default 30000. */
  keepAliveMs?: number;
  /** Give up a connect attempt after this long. Default 5000. */
  connectTimeoutMs?: number;
}

export class TcpGatewayTransport extends EventEmitter<PylonTransportEvents> implements PylonTransport {
  readonly kind = "tcp" as const;
  private readonly client: TcpClientTransport;

  constructor(options: TcpGatewayOptions) {
    super();
    if (!options || typeof options !== "object") throw new Error("TcpGatewayTransport needs an options object");
    const reconnectMs = options.reconnectMs ?? 2_000;
    this.client = new TcpClientTransport({
      host: options.host,
      port: options.port,
      reconnectMs,
      reconnectMaxMs: options.reconnectMaxMs ?? reconnectMs,
      keepAliveMs: options.keepAliveMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    });
    this.client.on("state", (change) => {
      if (change.state === "disconnected") {
        const error = describeGatewayFailure(change, this.client.host, this.client.port, !change.connectFailed);
        change = { ...change, error, detail: error.message };
      }
      this.emit("state", change);
    });
    this.client.on("data", (chunk) => this.emit("data", chunk));
  }

  get host(): string {
    return this.client.host;
  }

  get port(): number {
    return this.client.port;
  }

  get state(): TransportState {
    return this.client.state;
  }

  get reconnectAttempts(): number {
    return this.client.reconnectAttempts;
  }

  start(): void {
    this.client.start();
  }

  write(buf: Buffer): Promise<void> {
    if (this.client.write(buf)) return Promise.resolve();
    return Promise.reject(new PylonLinkError("not_connected", `gateway ${this.host}:${this.port} is not connected`));
  }

  async close(): Promise<void> {
    await this.client.close();
    this.client.removeAllListeners();
  }
}
