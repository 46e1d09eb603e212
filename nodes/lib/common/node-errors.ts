// The one place that maps the package's errors to what Node-RED shows: the code for payloads, the
// text for node.error and the status. Every error class of the package has one shape (LxpError,
// PylonError: a snake_case `code`, a one-line `message`, optional `details`). Node-RED gets errors
// as text: the debug sidebar shows an Error object as a collapsed, cut-off object and a string as a
// readable line; a Catch node gets the text in msg.error.message either way. No Node-RED imports.
import type { NodeStatusLike } from "./status";

/** The package's error shape. */
export interface CodedError extends Error {
  readonly code: string;
  readonly details?: object;
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "string";
}

/** The message of an error (no "Error:" prefix), or the value as text. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : String(err);
}

/** What a payload names a failure by (docs/pylon-payloads.md `errors[].error`): the code, or the text of an error without one. */
export function errorCode(err: unknown): string {
  return isCodedError(err) ? err.code : errorText(err);
}

/** Longest status text of a failure (the editor shows one line). */
export const FAILURE_STATUS_LENGTH = 120;

/** The red status of a failure: "fail read/hold/21: no reply …", cut to one line. */
export function failureStatus(err: unknown, prefix?: string): NodeStatusLike {
  const text = prefix === undefined ? errorText(err) : `${prefix}: ${errorText(err)}`;
  return { fill: "red", shape: "ring", text: text.slice(0, FAILURE_STATUS_LENGTH) };
}

interface ErrorSink {
  error(text: string, msg?: object): void;
}

interface FailingNode extends ErrorSink {
  status(status: NodeStatusLike): void;
}

/** node.error with the error as text; with `msg`, a Catch node gets that message. */
export function raiseError(node: ErrorSink, err: unknown, msg?: object): void {
  if (msg === undefined) node.error(errorText(err));
  else node.error(errorText(err), msg);
}

/** The message raised with an error that has no input message: the topic, the text as payload, and `extra`. */
export function errorMessage(topic: string | undefined, err: unknown, extra?: object): { topic?: string; payload: string } {
  return { topic, payload: errorText(err), ...extra };
}

/** A node that cannot work (no or a bad configuration): a short red status and one error. */
export function nodeFailed(node: FailingNode, statusText: string, err: unknown): void {
  node.status({ fill: "red", shape: "ring", text: statusText });
  raiseError(node, err);
}

/**
 * Ends an input handler like done(err), with the error as text; done() without an error. Node-RED
 * passes the value on to node.error(value, msg), so a Catch node still gets the input message.
 */
export function finishInput(done: (err?: Error) => void, err?: unknown): void {
  if (err === undefined || err === null) done();
  else (done as unknown as (err: string) => void)(errorText(err));
}
