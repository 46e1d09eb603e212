// The declared configuration of every node (resources/config-schemas.js, shared with the edit
// dialogs), typed for the runtime: defaults, ranges and the config-version migrations.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export type NodeType = "lxp-dongle" | "lxp-in" | "lxp-request" | "pylon-port" | "pylon-poll";

export type FieldType = "text" | "number" | "integer" | "boolean" | "enum" | "host" | "ipv4" | "node";

/** Field values that select when a rule applies: { transport: "tcp" }. */
export type FieldMatch = Readonly<Record<string, string>>;

export interface ConfigField {
  readonly key: string;
  readonly type: FieldType;
  /** The editor's value for a new node, as the flow stores it. */
  readonly default: string | boolean;
  /** What a blank value means at deploy, by the value of another field; `except` wins where its field has one of its values. */
  readonly blankMeans?: {
    readonly by: string;
    readonly values: Readonly<Record<string, number>>;
    readonly except?: { readonly by: string; readonly values: Readonly<Record<string, number>> };
  };
  readonly what?: string;
  readonly min?: number;
  readonly max?: number;
  /** Words accepted besides a number ("auto"). */
  readonly also?: readonly string[];
  readonly values?: readonly (string | number)[];
  readonly zeroMeans?: string;
  readonly belowMin?: "raise";
  readonly minimumWhen?: FieldMatch;
  readonly when?: FieldMatch;
  readonly required?: boolean;
  readonly requiredWhen?: FieldMatch;
  readonly pattern?: string;
  readonly node?: NodeType;
  readonly editor?: false;
}

export interface ConfigMigration {
  /** The version this migration produces (from the one before). */
  readonly to: number;
  readonly rename?: Readonly<Record<string, string>>;
  readonly change?: (config: Record<string, unknown>) => Record<string, unknown>;
}

export interface NodeSchema {
  readonly device: "lxp" | "pylon";
  readonly category?: "config";
  readonly version: number;
  readonly migrations: readonly ConfigMigration[];
  readonly fields: readonly ConfigField[];
}

export interface MigrationResult<C> {
  config: C;
  /** The version the configuration was saved with (1 when it has none). */
  from: number;
  to: number;
  /** The versions the applied migrations produced, in order. */
  applied: number[];
}

interface SchemaModule {
  VERSION_KEY: string;
  schemas: Record<NodeType, NodeSchema>;
  text(v: unknown): string;
  checked(value: unknown, fallback?: boolean): boolean;
  savedVersion(config: unknown): number;
  migrate<C extends object>(schema: NodeSchema, config: C): MigrationResult<C>;
}

export const SCHEMA_FILE = "resources/config-schemas.js";

/**
 * The package's root: the nearest folder upward with resources/config-schemas.js. From
 * nodes/lib/common under tsx that is three levels up, from dist/nodes/lib/common four.
 */
export function packageRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, SCHEMA_FILE))) return dir;
    if (dirname(dir) === dir) throw new Error(`${SCHEMA_FILE} not found in any folder above ${from}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain JS file outside the TypeScript sources, shared with the browser
const loaded = require(join(packageRoot(), SCHEMA_FILE)) as SchemaModule;

export const CONFIG_SCHEMAS: Readonly<Record<NodeType, NodeSchema>> = loaded.schemas;
/** The property a saved node keeps its config version in. */
export const VERSION_KEY = loaded.VERSION_KEY;
export const checked: (value: unknown, fallback?: boolean) => boolean = loaded.checked;
export const migrateConfig: <C extends object>(schema: NodeSchema, config: C) => MigrationResult<C> = loaded.migrate;

/** A field of a node's schema; throws for one that is not declared (a typo fails at load, not later). */
export function field(type: NodeType, key: string): ConfigField {
  const found = CONFIG_SCHEMAS[type]?.fields.find((f) => f.key === key);
  if (!found) throw new Error(`${type} declares no config field "${key}" (${SCHEMA_FILE})`);
  return found;
}

/** A numeric field with its range; throws when the schema gives it none. */
export function rangeOf(type: NodeType, key: string): ConfigField & { what: string; min: number; max: number } {
  const f = field(type, key);
  if (f.what === undefined || f.min === undefined || f.max === undefined) throw new Error(`${type}.${key} has no range in ${SCHEMA_FILE}`);
  return f as ConfigField & { what: string; min: number; max: number };
}

/** What a blank value of a field means at deploy; `context` gives the fields blankMeans depends on. */
export function blankValue(type: NodeType, key: string, context: Record<string, string> = {}): number {
  const f = field(type, key);
  if (f.blankMeans) {
    const except = f.blankMeans.except;
    const special = except ? except.values[context[except.by]] : undefined;
    if (special !== undefined) return special;
    const value = f.blankMeans.values[context[f.blankMeans.by]];
    if (value === undefined) throw new Error(`${type}.${key}: no default for ${f.blankMeans.by} "${context[f.blankMeans.by]}"`);
    return value;
  }
  const n = Number(f.default);
  if (f.default === "" || !Number.isFinite(n)) throw new Error(`${type}.${key} has no numeric default`);
  return n;
}

/** An enum field with its choices; throws when the schema gives it none. */
export function choicesOf(type: NodeType, key: string): { what: string; values: readonly (string | number)[] } {
  const { what, values } = field(type, key);
  if (what === undefined || values === undefined) throw new Error(`${type}.${key} has no choices in ${SCHEMA_FILE}`);
  return { what, values };
}

/** The choices of an enum field of words. */
export function wordsOf(type: NodeType, key: string): string[] {
  return choicesOf(type, key).values.map(String);
}

/** The choices of an enum field of numbers. */
export function numbersOf(type: NodeType, key: string): number[] {
  return choicesOf(type, key).values.map(Number);
}

/** The editor's default of a text or select field. */
export function defaultText(type: NodeType, key: string): string {
  return String(field(type, key).default);
}

/** A checkbox as the runtime reads it: true or "true"; absent gives the schema's default. */
export function checkbox(type: NodeType, key: string, value: unknown): boolean {
  return checked(value, field(type, key).default === true);
}

/** "a, b or c". */
export function listOr(items: readonly (string | number)[]): string {
  const words = items.map(String);
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

interface NoticeTarget {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * A node's configuration as this version reads it (see migrateConfig); logs the migrations it
 * applied, and warns about a configuration saved by a newer version of the package. `schema`: the
 * type's own unless a test passes one with migrations.
 */
export function currentConfig<C extends object>(type: NodeType, config: C, node: NoticeTarget, schema: NodeSchema = CONFIG_SCHEMAS[type]): C {
  const result = migrateConfig(schema, config);
  if (result.from > schema.version) {
    node.warn(
      `configuration saved by a newer version of this package (config version ${result.from}; this one reads up to ${schema.version}): ` +
        "settings it does not know are ignored",
    );
  } else if (result.applied.length > 0) {
    node.log(`configuration saved at config version ${result.from}, read as version ${result.to} (open and save the node to store it so)`);
  }
  return result.config;
}
