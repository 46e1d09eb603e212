// Editor files (nodes/*.html): each registerType script runs in a vm sandbox with a stub RED, which
// proves it parses and lets the validators be called; the form, help and icon are checked beside it.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import vm from "node:vm";
import { parseDongleConfig } from "../../nodes/lib/lxp/link/dongle-config";
import { PYLON_LIMITS } from "../../nodes/lib/pylon/link/limits";
import { parsePylonPollConfig } from "../../nodes/lib/pylon/poll/poll-config";
import { parsePylonPortConfig } from "../../nodes/lib/pylon/link/port-config";
import { COMMAND_PATTERNS, parseCommand } from "../../nodes/lib/lxp/control/commands";
import { parseRequestConfig } from "../../nodes/lib/lxp/control/request-config";
import { TIMING_LIMITS } from "../../nodes/lib/lxp/link/timing-limits";
import { CONFIG_SCHEMAS, type NodeSchema, type NodeType } from "../../nodes/lib/common/config-schema";
import { english, type MessageVars } from "../../nodes/lib/common/i18n";

const root = join(__dirname, "..", "..");
const nodesDir = join(root, "nodes");
const iconsDir = join(root, "icons");
const resourcesDir = join(root, "resources");
const moduleName = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string }).name;
/** How a node's HTML loads a file of resources/: relative, so it works under any httpAdminRoot. */
const resourcePrefix = `resources/${moduleName}/`;

type Validator = (this: Record<string, unknown>, value: unknown, opt?: Record<string, unknown>) => boolean | string;

interface PropertyDef {
  value: unknown;
  required?: boolean;
  type?: string;
  validate?: Validator;
}

interface NodeDefinition {
  category: string;
  color?: string;
  defaults: Record<string, PropertyDef>;
  inputs?: number;
  outputs?: number;
  icon?: string;
  label?: string | ((this: Record<string, unknown>) => string);
  paletteLabel?: string;
  inputLabels?: string | string[] | ((this: Record<string, unknown>, index: number) => string);
  outputLabels?: string | string[] | ((this: Record<string, unknown>, index: number) => string);
  oneditprepare?: (this: Record<string, unknown>) => void;
}

interface EditorFile {
  file: string;
  type: string;
  html: string;
  definitions: Map<string, NodeDefinition>;
  /** The files of resources/ it loads with <script src="resources/<module>/…">, in order. */
  resources: string[];
  /** The sandbox's global object: a test may put a fake `$` there to run oneditprepare. */
  context: vm.Context;
}

/**
 * The file of resources/ that `<script src>` names, as Node-RED serves it at resources/<module>/<path>;
 * fails unless the URL is one of this package's resources and the file exists.
 */
function resourceFile(file: string, src: string): string {
  assert.ok(src.startsWith(resourcePrefix), `${file}: <script src="${src}"> is not one of this package's resources (${resourcePrefix}…)`);
  const rel = src.slice(resourcePrefix.length);
  assert.ok(rel !== "" && !rel.split("/").includes(".."), `${file}: <script src="${src}"> leaves resources/`);
  const path = join(resourcesDir, rel);
  assert.ok(existsSync(path), `${file} loads <script src="${src}">, but resources/${rel} is missing`);
  return path;
}

/** The LxpPylonSchemas global of resources/config-schemas.js, as a test may replace it. */
interface SchemasGlobal {
  VERSION_KEY: string;
  schemas: Record<string, NodeSchema>;
  [helper: string]: unknown;
}

/**
 * Runs the scripts of an editor file in document order against a stub RED, as the editor does: each
 * `<script src="resources/<module>/…">` from the repository's resources/ folder, then every text/javascript
 * block. Returns what it registered. `schemas` may replace the declared schemas once config-schemas.js ran.
 */
function loadEditor(file: string, schemas?: (real: SchemasGlobal) => SchemasGlobal): EditorFile {
  const html = readFileSync(join(nodesDir, file), "utf8");
  const definitions = new Map<string, NodeDefinition>();
  const RED = {
    nodes: {
      registerType(type: string, def: NodeDefinition): void {
        assert.ok(!definitions.has(type), `${file} registers ${type} twice`);
        definitions.set(type, def);
      },
    },
    validators: {
      number: (blankAllowed?: boolean) => (v: unknown) =>
        (blankAllowed && (v === "" || v === undefined)) || /^\$\{[^}]+\}$/.test(String(v)) || !isNaN(Number(v)),
      regex: (re: RegExp) => (v: unknown) => re.test(String(v)),
    },
    // As the editor's, with the en-US catalogs loaded: "<module>/<node>:<key>" is a text of nodes/locales/en-US/<node>.json.
    _: (key: string, vars?: MessageVars) => english(key.slice(key.indexOf(":") + 1), vars),
  };
  // No `$` in the sandbox: validators must not need jQuery when no edit dialog is open.
  const context = vm.createContext({ RED, console });
  const resources: string[] = [];
  let inline = 0;
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const attrs = m[1];
    const src = /\ssrc="([^"]*)"/.exec(attrs)?.[1];
    if (src !== undefined) {
      assert.equal(m[2].trim(), "", `${file}: <script src="${src}"> has a body`);
      const path = resourceFile(file, src);
      vm.runInContext(readFileSync(path, "utf8"), context, { filename: path });
      resources.push(src.slice(resourcePrefix.length));
      if (schemas && rel(src) === "config-schemas.js") context.LxpPylonSchemas = schemas(context.LxpPylonSchemas as SchemasGlobal);
    } else if (/\stype="text\/javascript"/.test(attrs)) {
      vm.runInContext(m[2], context, { filename: file });
      inline++;
    }
  }
  assert.ok(inline > 0, `${file} has no <script type="text/javascript"> block`);
  return { file, type: basename(file, ".html"), html, definitions, resources, context };
}

/** The inner text of `<script type="text/html" data-<kind>-name="type">`, or undefined. */
function block(html: string, kind: "template" | "help", type: string): string | undefined {
  const re = new RegExp(`<script type="text/html" data-${kind}-name="${type}">([\\s\\S]*?)</script>`);
  return re.exec(html)?.[1];
}

const rel = (src: string): string => src.slice(resourcePrefix.length);

const editorFiles = readdirSync(nodesDir).filter((f) => f.endsWith(".html")).sort();
const editors = new Map<string, EditorFile>();
const loadErrors = new Map<string, Error>();
for (const file of editorFiles) {
  try {
    editors.set(basename(file, ".html"), loadEditor(file));
  } catch (err) {
    loadErrors.set(file, err as Error); // reported by that file's first test, not as a crash of the whole suite
  }
}

function definition(type: string): NodeDefinition {
  const def = editors.get(type)?.definitions.get(type);
  assert.ok(def, `no editor definition for ${type} (${loadErrors.get(`${type}.html`)?.message ?? "not registered"})`);
  return def;
}

/** Calls a property's validator as the editor does: `this` is the node, opt carries the label. */
function check(type: string, key: string, value: unknown, node: Record<string, unknown> = {}): boolean | string {
  const prop = definition(type).defaults[key];
  if (prop.required && value === "") return false;
  if (!prop.validate) return true;
  return prop.validate.call(node, value, {});
}

const ok = (type: string, key: string, value: unknown, node?: Record<string, unknown>): void =>
  assert.equal(check(type, key, value, node), true, `${type}.${key} should accept ${JSON.stringify(value)}`);

/** Invalid, with a message: the editor shows a string from a two-argument validator as the reason. */
const bad = (type: string, key: string, value: unknown, node?: Record<string, unknown>): void => {
  const result = check(type, key, value, node);
  assert.notEqual(result, true, `${type}.${key} should reject ${JSON.stringify(value)}`);
  const prop = definition(type).defaults[key];
  if (prop.validate && !(prop.required && value === "")) {
    assert.equal(typeof result, "string", `${type}.${key} should explain why ${JSON.stringify(value)} is bad`);
    assert.equal(prop.validate.call(node ?? {}, value), false, "without opt a validator returns plain false");
  }
};

/** One call on a fake jQuery object: the selector it was made from, the method and its arguments. */
interface FakeCall {
  selector: string;
  method: string;
  args: unknown[];
}

interface FakeJQuery {
  $: unknown;
  calls: FakeCall[];
  /** Field values by selector (`#node-config-input-path`), read and written through val(). */
  values: Record<string, string>;
  /** Handlers bound with on(), by selector and event. */
  handlers: Map<string, Array<(event?: unknown) => void>>;
  /** The URLs getJSON was asked for. */
  urls: string[];
}

/**
 * Just enough jQuery for an oneditprepare: every element method is recorded and chains; val(), on(),
 * attr("id"), hasClass(), find().filter() and getJSON() behave. `reply` answers getJSON synchronously
 * (undefined = the request fails).
 */
function fakeJQuery(values: Record<string, string>, reply?: unknown): FakeJQuery {
  const fake: FakeJQuery = { $: undefined, calls: [], values, handlers: new Map(), urls: [] };
  const classes = new Map<string, Set<string>>();
  const element = (selector: string): unknown => {
    const self: unknown = new Proxy(
      {},
      {
        get(_target, method) {
          if (method === "length") return 1;
          if (typeof method !== "string") return undefined;
          return (...args: unknown[]) => {
            fake.calls.push({ selector, method, args });
            const own = classes.get(selector) ?? new Set<string>();
            classes.set(selector, own);
            switch (method) {
              case "val":
                if (args.length === 0) return values[selector] ?? "";
                values[selector] = String(args[0]);
                return self;
              case "on": {
                const key = `${selector} ${String(args[0])}`;
                fake.handlers.set(key, [...(fake.handlers.get(key) ?? []), args[1] as (event?: unknown) => void]);
                return self;
              }
              case "attr":
                return args.length === 1 && args[0] === "id" ? selector.replace(/^#/, "") : self;
              case "addClass":
                own.add(String(args[0]));
                return self;
              case "removeClass":
                own.delete(String(args[0]));
                return self;
              case "hasClass":
                return own.has(String(args[0]));
              case "find":
                return element(`${selector} ${String(args[0])}`);
              case "filter":
                return { length: 0 }; // no <option> matches: a stored value the select lacks
              case "is":
                return false;
              default:
                return self;
            }
          };
        },
      },
    );
    return self;
  };
  const $ = (selector: string): unknown => element(selector);
  $.getJSON = (url: string) => {
    fake.urls.push(url);
    const deferred = {
      done(cb: (data: unknown) => void) {
        if (reply !== undefined) cb(reply);
        return deferred;
      },
      fail(cb: (xhr: unknown) => void) {
        if (reply === undefined) cb({ status: 500 });
        return deferred;
      },
      always(cb: () => void) {
        cb();
        return deferred;
      },
    };
    return deferred;
  };
  fake.$ = $;
  return fake;
}

/** Runs a definition's oneditprepare with `$` in its sandbox, then removes `$` again. */
function prepare(type: string, node: Record<string, unknown>, fake: FakeJQuery): void {
  const editor = editors.get(type);
  assert.ok(editor);
  const prep = definition(type).oneditprepare;
  assert.equal(typeof prep, "function", `${type} has an oneditprepare`);
  editor.context.$ = fake.$;
  try {
    prep?.call(node);
  } finally {
    delete editor.context.$;
  }
}

/** Fires the handlers a fake element bound for an event, with `$` in the sandbox. */
function fire(type: string, fake: FakeJQuery, selector: string, event: string): void {
  const editor = editors.get(type);
  assert.ok(editor);
  const handlers = fake.handlers.get(`${selector} ${event}`) ?? [];
  assert.ok(handlers.length > 0, `nothing listens to ${event} on ${selector}`);
  editor.context.$ = fake.$;
  try {
    for (const h of handlers) h({ preventDefault: () => undefined });
  } finally {
    delete editor.context.$;
  }
}

/** How a runtime config parser takes a value: as it is, raised to a minimum (it warned), or refused. */
function runtimeVerdict(parse: (warn: (message: string) => void) => unknown): "ok" | "raised" | "refused" {
  let warned = false;
  try {
    parse(() => (warned = true));
  } catch {
    return "refused";
  }
  return warned ? "raised" : "ok";
}

describe("editor HTML", () => {
  it("finds the editor files of the package", () => {
    for (const type of ["lxp-dongle", "lxp-in", "lxp-request", "pylon-port", "pylon-poll"]) {
      assert.ok(editors.has(type), `${type}: found ${editorFiles.join(", ")}`);
    }
  });

  describe("shared editor helpers (resources/editor-validators.js)", () => {
    it("are loaded by every editor file that uses them, with the schemas, before its own script", () => {
      for (const file of editorFiles) {
        const html = readFileSync(join(nodesDir, file), "utf8");
        if (!html.includes("LxpPylonEditor")) continue;
        const tag = `<script src="${resourcePrefix}editor-validators.js"></script>`;
        const at = html.indexOf(tag);
        assert.ok(at >= 0, `${file} uses LxpPylonEditor without ${tag}`);
        assert.ok(at < html.indexOf('<script type="text/javascript">'), `${file} loads the helpers after its own script`);
        const schemas = html.indexOf(`<script src="${resourcePrefix}config-schemas.js"></script>`);
        assert.ok(schemas >= 0 && schemas < html.indexOf('<script type="text/javascript">'), `${file} loads config-schemas.js before its own script`);
        assert.deepEqual(editors.get(basename(file, ".html"))?.resources, ["config-schemas.js", "editor-validators.js"], file);
      }
    });

    it("are used by every editor file: its defaults come from the node's declared schema", () => {
      for (const file of editorFiles) {
        const html = readFileSync(join(nodesDir, file), "utf8");
        assert.match(html, new RegExp(`defaults: E\\.defaultsOf\\("${basename(file, ".html")}"`), file);
      }
    });

    it("ship with the package (resources/ is in package.json files)", () => {
      const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
      assert.ok(pkg.files.includes("resources"), `package.json files: ${pkg.files.join(", ")}`);
    });

    it("check the timing settings against the runtime's table (nodes/lib/lxp/link/timing-limits.ts)", () => {
      const context = vm.createContext({});
      vm.runInContext(readFileSync(join(resourcesDir, "config-schemas.js"), "utf8"), context);
      vm.runInContext(readFileSync(join(resourcesDir, "editor-validators.js"), "utf8"), context);
      const E = context.LxpPylonEditor as { TIMING: unknown; timing: (...args: unknown[]) => Validator };
      assert.deepEqual(JSON.parse(JSON.stringify(E.TIMING)), JSON.parse(JSON.stringify(TIMING_LIMITS)));
      assert.throws(() => E.timing("lxp-request", "nope"), /no such setting/);
      assert.throws(() => E.timing("lxp-dongle", "watchdog", { minimumOnlyFor: "tcp" }), /transportOf/);
    });

    it("work whichever of the two files runs first (the editor loads a package's <script src> files in parallel)", () => {
      const context = vm.createContext({});
      vm.runInContext(readFileSync(join(resourcesDir, "editor-validators.js"), "utf8"), context);
      vm.runInContext(readFileSync(join(resourcesDir, "config-schemas.js"), "utf8"), context);
      const E = context.LxpPylonEditor as { defaultsOf: (type: string) => Record<string, PropertyDef>; TIMING: unknown };
      const defaults = E.defaultsOf("pylon-poll");
      assert.equal(defaults.packs.validate?.call({}, "17", {}), 'packs must be "auto" or a whole number from 1 to 16');
      assert.deepEqual(JSON.parse(JSON.stringify(E.TIMING)), JSON.parse(JSON.stringify(TIMING_LIMITS)));
      const alone = vm.createContext({});
      vm.runInContext(readFileSync(join(resourcesDir, "editor-validators.js"), "utf8"), alone);
      assert.throws(() => (alone.LxpPylonEditor as { defaultsOf: (type: string) => unknown }).defaultsOf("pylon-poll"), /needs resources\/config-schemas\.js/);
    });

    it("are defined once more harmlessly (the editor loads the file once per node set)", () => {
      const context = vm.createContext({});
      const schemas = readFileSync(join(resourcesDir, "config-schemas.js"), "utf8");
      const code = readFileSync(join(resourcesDir, "editor-validators.js"), "utf8");
      vm.runInContext(schemas, context);
      vm.runInContext(code, context);
      vm.runInContext(schemas, context);
      vm.runInContext(code, context);
      const E = context.LxpPylonEditor as { numberIn: (...args: unknown[]) => Validator; text: (v: unknown) => string };
      assert.equal(E.text("  x "), "x");
      assert.throws(() => E.numberIn("port", 1, 2, { onlyFor: "tcp" }), /transportOf/, "onlyFor needs a transport getter");
    });
  });

  for (const file of editorFiles) {
    const type = basename(file, ".html");

    describe(file, () => {
      const editor = (): EditorFile => {
        const e = editors.get(type);
        assert.ok(e, `${file} did not load: ${loadErrors.get(file)?.stack ?? "unknown error"}`);
        return e;
      };

      it(`registers the type "${type}" and only that`, () => {
        assert.deepEqual([...editor().definitions.keys()], [type]);
      });

      it("uses no property name the editor reserves", () => {
        // The editor parseInt()s "inputs"/"outputs" defaults as port counts and owns the others.
        const reserved = ["inputs", "outputs", "id", "type", "x", "y", "z", "g", "w", "h", "wires", "users", "changed", "dirty", "valid"];
        for (const key of Object.keys(definition(type).defaults)) {
          assert.ok(!reserved.includes(key) && !key.startsWith("_"), `"${key}" is reserved by the Node-RED editor`);
        }
      });

      it("has a form with an input for every default (but the config version, stored on save)", () => {
        const def = definition(type);
        const form = block(editor().html, "template", type);
        assert.ok(form, `no data-template-name="${type}" block`);
        const prefix = def.category === "config" ? "node-config-input-" : "node-input-";
        assert.doesNotMatch(form, new RegExp(`id="${prefix}configVersion"`), "the config version is no field of the form");
        assert.equal(def.defaults.configVersion?.value, CONFIG_SCHEMAS[type as NodeType].version, "a new node is at the current config version");
        for (const key of Object.keys(def.defaults).filter((k) => k !== "configVersion")) {
          assert.match(form, new RegExp(`<(input|select|textarea)\\b[^>]*\\sid="${prefix}${key}"`), `no #${prefix}${key}`);
          assert.match(form, new RegExp(`<label[^>]*\\sfor="${prefix}${key}"`), `no label for #${prefix}${key}`);
        }
        const ids = [...form.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
        assert.equal(new Set(ids).size, ids.length, "form ids are unique");
      });

      it("has help that documents every option", () => {
        const help = block(editor().html, "help", type);
        assert.ok(help && help.trim().length > 200, `no data-help-name="${type}" block`);
        assert.match(help, /<h3>Details<\/h3>/);
        assert.match(help, /<dl class="message-properties">/);
      });

      it("names an icon that exists in icons/ (config nodes need none)", () => {
        const def = definition(type);
        if (def.category === "config" && !def.icon) return;
        assert.ok(def.icon, "no icon");
        assert.ok(existsSync(join(iconsDir, def.icon)), `icons/${def.icon} is missing`);
      });

      it("has a palette label the palette shows as written (it splits words at '-': \"lxp - in\")", () => {
        const def = definition(type);
        if (def.category === "config") return;
        assert.equal(typeof def.paletteLabel, "string", "no paletteLabel: the palette would show the type split at '-'");
        assert.ok(def.paletteLabel && !def.paletteLabel.includes("-"), `paletteLabel "${def.paletteLabel}"`);
        assert.equal(def.paletteLabel, type.replace("-", " "));
      });

      it("labels a node with its defaults and with a name", () => {
        const def = definition(type);
        const node: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(def.defaults)) node[key] = prop.value;
        const label = typeof def.label === "function" ? def.label.call(node) : def.label;
        assert.equal(typeof label, "string");
        assert.ok(label && !label.includes("undefined"), `label "${label}"`);
        if (typeof def.label === "function") assert.equal(def.label.call({ ...node, name: "My name" }), "My name");
      });

      it("accepts its own default values and ${ENV} values", () => {
        const def = definition(type);
        const node: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(def.defaults)) node[key] = prop.value;
        for (const [key, prop] of Object.entries(def.defaults)) {
          if (prop.type) continue; // config-node pickers
          // An empty default may be one the user must fill in (lxp-dongle host, like a required field).
          if (prop.value !== "") ok(type, key, prop.value, node);
          if (prop.validate) ok(type, key, "${LXP_VALUE}", node);
          if (prop.validate) assert.equal(prop.validate.length, 2, `${key}: validate(v, opt) so the editor shows its message`);
        }
      });
    });
  }

  describe("lxp-dongle validators (mirror dongle-config.ts)", () => {
    const T = "lxp-dongle";
    const tcp = { transport: "tcp" };
    const udp = { transport: "udp" };

    it("is a config node with the documented defaults", () => {
      const def = definition(T);
      assert.equal(def.category, "config");
      const values = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.deepEqual(values, {
        name: "",
        transport: "tcp",
        host: "",
        port: "8000",
        bind: "0.0.0.0",
        source: "",
        reconnect: "5",
        watchdog: "600",
        datalog: "",
        inverter: "",
        allowWrites: false,
        writableRegisters: "",
        answerHeartbeats: false,
        queueLimit: "50",
        currentDivisor: "100",
        configVersion: 1,
      });
      const form = block(editors.get(T)?.html ?? "", "template", T) ?? "";
      for (const key of ["allowWrites", "answerHeartbeats"]) {
        assert.match(form, new RegExp(`<input type="checkbox" id="node-config-input-${key}"`), `${key} is a checkbox`);
      }
      assert.match(form, /<option value="tcp">[\s\S]*<option value="udp">/);
      assert.match(form, /<option value="100">[\s\S]*<option value="10">/);
    });

    it("transport: tcp or udp", () => {
      ok(T, "transport", "tcp");
      ok(T, "transport", "udp");
      bad(T, "transport", "serial");
    });

    it("host: required for tcp only; hostname, IPv4 or IPv6", () => {
      bad(T, "host", "", tcp);
      bad(T, "host", "", {}); // transport missing = tcp, as at runtime
      ok(T, "host", "", udp);
      for (const h of ["192.168.1.50", "dongle.lan", "lux-dongle", "fe80::1", "::1", " 10.0.0.7 "]) ok(T, "host", h, tcp);
      for (const h of ["two words", "host:8000", "[::1]", "http://10.0.0.1", "-bad.example"]) bad(T, "host", h, tcp);
      ok(T, "host", "${DONGLE_HOST}", tcp);
      ok(T, "host", "not a host", udp); // hidden and unused for udp
    });

    it("port: integer 1-65535", () => {
      for (const p of ["8000", "1", "65535", "${PORT}"]) ok(T, "port", p, tcp);
      for (const p of ["0", "65536", "80.5", "abc", "-1", ""]) bad(T, "port", p, tcp);
    });

    it("bind and source: IPv4, checked for udp only", () => {
      ok(T, "bind", "0.0.0.0", udp);
      ok(T, "bind", "192.168.1.20", udp);
      ok(T, "bind", "", udp);
      bad(T, "bind", "localhost", udp);
      bad(T, "bind", "::", udp);
      bad(T, "bind", "256.1.1.1", udp);
      ok(T, "bind", "localhost", tcp);
      ok(T, "source", "", udp);
      ok(T, "source", "192.168.1.50", udp);
      ok(T, "source", "${DONGLE_IP}", udp);
      bad(T, "source", "dongle.lan", udp);
      ok(T, "source", "dongle.lan", tcp);
    });

    it("reconnect: 1-3600 s; watchdog: 0 (off) or 60-86400 s (blank = default)", () => {
      for (const v of ["1", "5", "3600", ""]) ok(T, "reconnect", v, tcp);
      for (const v of ["0", "0.1", "0.99", "3601", "soon"]) bad(T, "reconnect", v, tcp);
      for (const v of ["0", "60", "600", "86400", ""]) ok(T, "watchdog", v, tcp);
      for (const v of ["-1", "0.001", "59", "86401", "ten"]) bad(T, "watchdog", v, tcp);
      // UDP has no watchdog (the field is hidden): only the range counts there, not the minimum.
      ok(T, "watchdog", "1", udp);
      bad(T, "watchdog", "86401", udp);
    });

    it("a value below a minimum says so and that the runtime raises it", () => {
      const v = definition(T).defaults.watchdog.validate as Validator;
      assert.equal(v.call(tcp, "0.001", {}), "silence watchdog (s) must be at least 60 (or 0 for off): a smaller value is raised to 60 when deployed");
      assert.equal(v.call(tcp, "86401", {}), "silence watchdog (s) must be 0 (off) or a number from 60 to 86400");
    });

    it("queueLimit: whole number 1-1000 (blank = 50)", () => {
      for (const v of ["1", "50", "1000", ""]) ok(T, "queueLimit", v);
      for (const v of ["0", "1.5", "1001", "-1", "many"]) bad(T, "queueLimit", v);
    });

    it("datalog: empty or 10 letters/digits", () => {
      ok(T, "datalog", "");
      ok(T, "datalog", "BA12345678");
      ok(T, "datalog", "${DATALOG}");
      bad(T, "datalog", "BA1234567");
      bad(T, "datalog", "BA12345678X");
      bad(T, "datalog", "BA1234-678");
    });

    it("currentDivisor: 100 or 10", () => {
      ok(T, "currentDivisor", "100");
      ok(T, "currentDivisor", "10");
      bad(T, "currentDivisor", "1");
      bad(T, "currentDivisor", "1000");
    });

    it("agrees with the runtime check (parseDongleConfig) field by field", () => {
      const base = { transport: "tcp", host: "192.168.1.50", port: "8000", reconnect: "5", watchdog: "600" };
      const cases: Array<[string, string[], Record<string, string>]> = [
        ["transport", ["tcp", "udp", "TCP", "serial"], {}],
        ["host", ["", "10.0.0.1", "dongle.lan", "::1", "a b", "[::1]", "x:80", "-x", "é.lan"], { transport: "tcp" }],
        ["port", ["1", "8000", "65535", "0", "65536", "1.5", "x", "1e3", "0x1F40"], { transport: "tcp" }],
        ["bind", ["", "0.0.0.0", "10.0.0.2", "::", "localhost", "1.2.3"], { transport: "udp" }],
        ["source", ["", "10.0.0.3", "dongle.lan", "10.0.0.256"], { transport: "udp" }],
        ["reconnect", ["", "0.1", "1", "3600", "0", "3601", "x"], { transport: "tcp" }],
        ["reconnect", ["0.5", "2"], { transport: "udp" }],
        ["watchdog", ["", "0", "1", "59.9", "60", "86400", "-1", "86401", "x"], { transport: "tcp" }],
        ["watchdog", ["600", "-1", "5"], { transport: "udp" }],
        ["queueLimit", ["", "1", "1000", "0", "1001", "2.5", "x"], {}],
        ["datalog", ["", "BA12345678", "BA1234567", "BA-2345678", " BA12345678 "], {}],
        ["currentDivisor", ["", "10", "100", "10.0", "1", "50"], {}],
        ["inverter", ["", "1234567890", "AB12CD34EF", "123456789", "12345-7890", " 1234567890 "], {}],
        ["writableRegisters", ["", "21", "21, 64-67, 68-89, 105", "1;2 3", "5-", "67-64", "65536", "0-65535", "a", "-3"], {}],
      ];
      for (const [key, values, extra] of cases) {
        for (const value of values) {
          const config: Record<string, string> = { ...base, ...extra, [key]: value };
          // Valid for the editor = the runtime takes it as it is: no error, no value raised to a minimum.
          const runtime = runtimeVerdict((warn) => parseDongleConfig(config, warn));
          const editor = check(T, key, value, config) === true;
          assert.equal(editor, runtime === "ok", `${key}=${JSON.stringify(value)} (${JSON.stringify(extra)}): editor ${editor}, runtime ${runtime}`);
        }
      }
    });

    it("labels: tcp host:port, udp :port", () => {
      const label = (node: Record<string, unknown>): string => {
        const l = definition(T).label;
        assert.equal(typeof l, "function");
        return (l as (this: Record<string, unknown>) => string).call(node);
      };
      assert.equal(label({ transport: "tcp", host: "192.168.1.50", port: "8000" }), "tcp 192.168.1.50:8000");
      assert.equal(label({ transport: "tcp", host: "fe80::1", port: "8000" }), "tcp [fe80::1]:8000");
      assert.equal(label({ transport: "udp", host: "", port: "8001", bind: "0.0.0.0" }), "udp :8001");
      assert.equal(label({ transport: "udp", port: "8001", bind: "10.0.0.2" }), "udp 10.0.0.2:8001");
      assert.equal(label({ name: "Garage", transport: "tcp", host: "x", port: "8000" }), "Garage");
    });
  });

  describe("lxp-dongle edit dialog: statistics", () => {
    const T = "lxp-dongle";
    const texts = (fake: FakeJQuery): string[] => fake.calls.filter((c) => c.method === "text").map((c) => String(c.args[0]));
    const node = { id: "d1", transport: "udp", port: "8001" };
    const fields = { "#node-config-input-transport": "udp" };

    it("fetches the deployed link's counters from the stats endpoint and shows them", () => {
      const link = {
        description: "udp 0.0.0.0:8001",
        transport: "udp",
        state: "listening",
        users: 2,
        datalog: "2222222222",
        stats: { frames: 12, bytes: 2400, badFrames: 3, badBytes: 120, filtered: 0, otherSenders: 4, otherSerials: 1, dongleAddress: "192.168.1.50", heartbeatsAnswered: 0, lastFrameAt: 1_700_000_000_000 },
        requests: { exchanges: 5, replies: 4, exceptions: 0, timeouts: 1, retries: 1, ignored: 0, queued: 6, expired: 1, overflow: 2, pending: 1, limit: 50 },
      };
      const fake = fakeJQuery({ ...fields }, { id: "d1", type: T, link });
      prepare(T, node, fake);
      assert.deepEqual(fake.urls, ["lxp-pylon/stats/d1"], "relative URL: works under any httpAdminRoot");
      const shown = texts(fake);
      for (const text of ["listening", "12 (2400 bytes)", "3 (120 bytes)", "192.168.1.50", "5", "2222222222 / ?", "1 / 50"]) {
        assert.ok(shown.includes(text), `shows "${text}" (${JSON.stringify(shown)})`);
      }
      assert.ok(shown.includes("6 queued · 4 answered · 1 expired · 2 refused (queue full) · 1 timeouts · 0 exceptions"));
      assert.ok(shown.includes(new Date(1_700_000_000_000).toLocaleString()), "the last frame's time");
      for (const label of ["state", "last frame", "bad frames", "requests waiting or running"]) assert.ok(shown.includes(label), `labels "${label}"`);
    });

    it("says when there is nothing to show: no request yet, invalid configuration, not reachable", () => {
      const idle = fakeJQuery({ ...fields }, { id: "d1", type: T, link: { transport: "tcp", state: "connecting", stats: { frames: 0, bytes: 0, badFrames: 0, badBytes: 0, filtered: 0, heartbeatsAnswered: 0 } } });
      prepare(T, node, idle);
      assert.ok(texts(idle).includes("none since deploy") && texts(idle).includes("none yet"));
      const invalid = fakeJQuery({ ...fields }, { id: "d1", type: T, configError: "port must be a whole number from 1 to 65535" });
      prepare(T, node, invalid);
      assert.ok(texts(invalid).includes("no connection: port must be a whole number from 1 to 65535"));
      const failed = fakeJQuery({ ...fields });
      prepare(T, node, failed);
      assert.ok(texts(failed).includes("the statistics could not be read"));
    });
  });

  describe("lxp-request definition", () => {
    const T = "lxp-request";

    it("has one input, one output and the documented defaults", () => {
      const def = definition(T);
      assert.equal(def.category, "energy");
      assert.equal(def.inputs, 1);
      assert.equal(def.outputs, 1);
      assert.equal(def.icon, "lxp-request.svg");
      assert.equal(def.defaults.dongle.type, "lxp-dongle");
      assert.equal(def.defaults.dongle.required, true);
      const values = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.deepEqual(values, { name: "", dongle: "", command: "", value: "", timeout: "10", retries: "1", autoSync: "0", configVersion: 1 });
    });

    it("command: empty or a command of the vocabulary (as parseCommand reads the topic)", () => {
      const longest = `/${"/".repeat(60)}read/hold/21${"/".repeat(55)}`;
      const topics = [
        longest, `${longest}/`, `read/hold/${"0".repeat(114)}21`, `a${"/".repeat(65536)}a`, "/".repeat(20),
        "", "read/inputs/1", "read/inputs/6", "read/inputs/7", "read/inputs/0007", "read/inputs/1638", "read/inputs/1639",
        "read/inputs/0", "read/inputs/99999", "read/input/0", "read/hold/65535", "read/hold/65536", "read/hold/x",
        "read/param/0", "read/ac_charge", "read/charge_rate_pct", "read/ac_first/3", "read/ac_first/4", "set/hold/21",
        "set/ac_charge", "set/discharge_cutoff_soc_limit_pct", "set/forced_discharge/2", "set/param/0", "sync_time",
        "sync", "/read/hold/21/", "read/hold/1.5", "read/toString", "set/ac_charge/1/2", "read/Hold/1",
      ];
      // A value each kind of command accepts, so only the topic decides.
      const sample = (topic: string): unknown =>
        /^set\/(ac_charge|charge_priority|forced_discharge|ac_first)\/\d+$/.test(topic) ? { start: "01:00", end: "02:00" }
          : /^set\/(ac_charge|charge_priority|forced_discharge)$/.test(topic) ? "on"
          : topic.startsWith("set/") ? 10 : undefined;
      for (const topic of topics) {
        let runtime = true;
        try {
          if (topic !== "") parseCommand(topic, sample(topic));
        } catch {
          runtime = false;
        }
        assert.equal(check(T, "command", topic) === true, runtime, `${JSON.stringify(topic)}: runtime ${runtime}`);
      }
    });

    it("timeout, retries, time sync agree with parseRequestConfig", () => {
      const cases: Array<[string, string[]]> = [
        ["timeout", ["", "0.1", "0.5", "10", "300", "0", "301", "x"]],
        ["retries", ["", "0", "10", "1.5", "11", "-1"]],
        ["autoSync", ["", "0", "0.0001", "0.99", "1", "24", "168", "169", "-1", "daily"]],
      ];
      for (const [key, values] of cases) {
        for (const value of values) {
          const runtime = runtimeVerdict((warn) => parseRequestConfig({ [key]: value }, warn));
          assert.equal(check(T, key, value) === true, runtime === "ok", `${key}=${JSON.stringify(value)}: runtime ${runtime}`);
        }
      }
    });

    it("timeout 0.5-300 s; time sync 0 (off) or 1-168 h", () => {
      for (const v of ["0.5", "10", "300", ""]) ok(T, "timeout", v);
      for (const v of ["0", "0.1", "0.49", "301", "soon"]) bad(T, "timeout", v);
      for (const v of ["0", "1", "168", ""]) ok(T, "autoSync", v);
      for (const v of ["0.0001", "0.5", "169", "-1", "daily"]) bad(T, "autoSync", v);
    });

    it("labels itself with its name, its command or its type", () => {
      const label = definition(T).label as (this: Record<string, unknown>) => string;
      assert.equal(label.call({ command: "" }), "lxp-request");
      assert.equal(label.call({ command: "sync_time" }), "sync_time");
      assert.equal(label.call({ name: "Clock", command: "sync_time" }), "Clock");
    });

    it("documents every command, the outputs, safety and errors", () => {
      const help = block(editors.get(T)?.html ?? "", "help", T) ?? "";
      for (const h of ["Inputs", "Outputs", "Details", "Errors", "Status"]) assert.match(help, new RegExp(`<h3>${h}</h3>`));
      const code = [...help.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => m[1]).join(" ");
      for (const pattern of COMMAND_PATTERNS) assert.ok(code.includes(pattern), `help names no <code>${pattern}</code>`);
      for (const words of ["result", "request", "reason", "drift_s", "1 t true on y yes", "0–100", "10–90", "120 s", "Allow writes", "nothing is sent", "read back", "Catch", "unsigned"]) {
        assert.ok(help.includes(words), `help lacks "${words}"`);
      }
    });
  });

  describe("lxp-in definition", () => {
    const T = "lxp-in";

    it("is an input-less source with one output and the documented defaults", () => {
      const def = definition(T);
      assert.equal(def.inputs, 0);
      assert.equal(def.outputs, 1);
      assert.equal(def.icon, "lxp-in.svg");
      assert.equal(def.defaults.dongle.type, "lxp-dongle");
      assert.equal(def.defaults.dongle.required, true);
      const values = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.deepEqual(values, {
        name: "",
        dongle: "",
        inputRegs: true,
        holds: true,
        heartbeats: false,
        params: true,
        exceptions: true,
        requests: false,
        mergeBanks: false,
        configVersion: 1,
      });
      const form = block(editors.get(T)?.html ?? "", "template", T) ?? "";
      for (const key of ["inputRegs", "holds", "heartbeats", "params", "exceptions", "requests", "mergeBanks"]) {
        assert.match(form, new RegExp(`<input type="checkbox" id="node-input-${key}"`), `${key} is a checkbox`);
      }
    });

    it("labels itself and its output", () => {
      const def = definition(T);
      const node = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.equal((def.label as (this: Record<string, unknown>) => string).call(node), "lxp-in");
      const out = def.outputLabels;
      const text = typeof out === "function" ? out.call(node, 0) : Array.isArray(out) ? out[0] : out;
      assert.ok(text && /inputs/.test(text), `output label "${text}"`);
    });

    it("documents every topic form and output property", () => {
      const help = block(editors.get(T)?.html ?? "", "help", T) ?? "";
      for (const topic of [
        "inputs/{n}",
        "inputs/all",
        "inputs/{first}-{last}",
        "hold/{reg}",
        "write/{reg}",
        "heartbeat",
        "param/{n}",
        "exception/{reg}",
        "request/{reg}",
        "request/param/{n}",
      ]) {
        assert.ok(help.includes(`lxp/{datalog}/${topic}`), `help lacks lxp/{datalog}/${topic}`);
      }
      assert.match(help, /<h3>Outputs<\/h3>/);
      for (const word of ["p_battery", "p_grid", "inverter_time", "reg21.ac_charge_en", "tcp_function", "msg.lxp.raw", "Catch", "registers", "battery_packs"]) {
        assert.ok(help.includes(word), `help lacks ${word}`);
      }
    });
  });

  describe("pylon-port validators (mirror pylon/link/port-config.ts)", () => {
    const T = "pylon-port";
    const serial = { transport: "serial", path: "/dev/ttyUSB0" };
    const tcp = { transport: "tcp", host: "192.168.1.60", port: "8899" };

    it("is a config node with the documented defaults", () => {
      const def = definition(T);
      assert.equal(def.category, "config");
      assert.equal(def.icon, "pylon-port.svg");
      const values = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.deepEqual(values, {
        name: "",
        transport: "serial",
        path: "",
        baud: "",
        host: "",
        port: "",
        mode: "rs485",
        protocol: "pylontech",
        timeout: "",
        gap: "50",
        retries: "1",
        configVersion: 1,
      });
      const form = block(editors.get(T)?.html ?? "", "template", T) ?? "";
      assert.match(form, /<option value="serial">[\s\S]*<option value="tcp">/);
      assert.match(form, /<option value="rs485">[\s\S]*<option value="rs232">/);
      assert.match(form, /<option value="pylontech">[\s\S]*<option value="seplos">/);
      assert.match(form, /<option value="">[\s\S]*<option value="115200">[\s\S]*<option value="9600">[\s\S]*<option value="1200">/);
      assert.match(form, /id="pylon-port-lookup"/, "a search button next to the path");
    });

    it("transport: serial or tcp; mode: rs485, rs232, console or passive (empty = default)", () => {
      for (const v of ["serial", "tcp", "", "${PYLON_TRANSPORT}"]) ok(T, "transport", v);
      for (const v of ["udp", "TCP", "rs485"]) bad(T, "transport", v);
      for (const v of ["rs485", "rs232", "console", "passive", "", " rs232 "]) ok(T, "mode", v);
      for (const v of ["Console", "RS485", "rs232-binary", "listen"]) bad(T, "mode", v);
      for (const v of ["pylontech", "seplos", "", "${PYLON_PROTOCOL}"]) ok(T, "protocol", v, { mode: "rs485" });
      for (const v of ["Seplos", "pace", "pylon"]) bad(T, "protocol", v);
      bad(T, "protocol", "seplos", { mode: "rs232" });
      ok(T, "protocol", "seplos", { mode: "passive" });
      assert.throws(() => parsePylonPortConfig({ ...serial, protocol: "seplos", mode: "rs232" }), /RS485 port only/);
      assert.throws(() => parsePylonPortConfig({ ...serial, protocol: "seplos", mode: "console" }), /RS485 port only/);
      assert.equal(parsePylonPortConfig({ ...serial, protocol: "seplos", mode: "passive" }).mode, "passive");
      // A blank timeout: 1000 ms serial, 5000 ms for a console's whole paged output, 9600 baud when listening.
      assert.equal(parsePylonPortConfig({ ...serial, mode: "rs485" }).link.timeoutMs, 1000);
      assert.equal(parsePylonPortConfig({ ...serial, mode: "console" }).link.timeoutMs, 5000);
      assert.equal(parsePylonPortConfig({ ...serial, mode: "console", timeout: "800" }).link.timeoutMs, 800);
      assert.equal((parsePylonPortConfig({ ...serial, mode: "passive" }).link as { baudRate?: number }).baudRate, 9600);
      assert.throws(() => parsePylonPortConfig({ ...serial, protocol: "pace" }), /protocol must be "pylontech" or "seplos"/);
      assert.equal(parsePylonPortConfig({ ...serial }).protocol, "pylontech");
      assert.equal(parsePylonPortConfig({ ...serial, protocol: "seplos" }).protocol, "seplos");
    });

    it("path: required for serial only", () => {
      bad(T, "path", "", serial);
      bad(T, "path", "  ", {}); // transport missing = serial, as at runtime
      for (const p of ["/dev/ttyUSB0", "/dev/serial/by-id/usb-FTDI_FT232R_A12345-if00-port0", "COM3", "${PYLON_PATH}"]) ok(T, "path", p, serial);
      ok(T, "path", "", tcp);
    });

    it("baud: empty, 115200, 9600 or 1200; serial only", () => {
      for (const b of ["", "115200", "9600", "1200", " 9600 "]) ok(T, "baud", b, serial);
      for (const b of ["19200", "2400", "0", "fast"]) bad(T, "baud", b, serial);
      ok(T, "baud", "19200", tcp);
    });

    it("host and port: required for tcp only", () => {
      bad(T, "host", "", tcp);
      for (const h of ["192.168.1.60", "gateway.lan", "fe80::1"]) ok(T, "host", h, tcp);
      for (const h of ["two words", "gw:8899", "[::1]"]) bad(T, "host", h, tcp);
      ok(T, "host", "", serial);
      for (const p of ["8899", "4196", "23", "1", "65535", "${GW_PORT}"]) ok(T, "port", p, tcp);
      for (const p of ["", "0", "65536", "88.5", "telnet"]) bad(T, "port", p, tcp);
      ok(T, "port", "", serial);
      assert.match(String(check(T, "port", "", tcp)), /8899/, "the message names a typical port");
    });

    it("timeout 100-30000 ms, gap 10-5000 ms, retries 0-10 (empty = default), for both transports", () => {
      for (const node of [serial, tcp]) {
        for (const v of ["", "100", "1000", "30000"]) ok(T, "timeout", v, node);
        for (const v of ["50", "99", "30001", "1s"]) bad(T, "timeout", v, node);
        for (const v of ["", "10", "250", "5000"]) ok(T, "gap", v, node);
        for (const v of ["0", "9.5", "-1", "5001", "x"]) bad(T, "gap", v, node);
        for (const v of ["", "0", "1", "10"]) ok(T, "retries", v, node);
        for (const v of ["11", "1.5", "-1", "once"]) bad(T, "retries", v, node);
      }
    });

    it("agrees with the runtime check (parsePylonPortConfig) field by field: valid in the editor = accepted without raising", () => {
      const cases: Array<[string, string[], Record<string, string>]> = [
        ["transport", ["serial", "tcp", "", "TCP", "udp", " tcp "], { ...serial, host: tcp.host, port: tcp.port }],
        ["mode", ["", "rs485", "rs232", "RS485", "console"], serial],
        ["mode", ["rs232", "x"], tcp],
        ["path", ["", " ", "/dev/ttyUSB0", "COM3", "/dev/serial/by-id/usb-x-if00"], serial],
        ["path", ["", "/dev/ttyUSB0"], tcp],
        ["baud", ["", "115200", "9600", "1200", " 9600 ", "1200.0", "19200", "600", "0", "abc", "1e5"], serial],
        ["baud", ["", "1200", "19200"], { ...serial, mode: "rs232" }],
        ["baud", ["19200", "x"], tcp],
        ["host", ["", "10.0.0.1", "gw.lan", "::1", "a b", "[::1]", "x:80", "-x", "é.lan"], tcp],
        ["host", ["", "a b"], serial],
        ["port", ["", "1", "8899", "65535", "0", "65536", "1.5", "x", "0x22C3"], tcp],
        ["port", ["", "x"], serial],
        ["timeout", ["", "50", "99", "100", "30000", "49", "0", "30001", "x", "1e3"], serial],
        ["timeout", ["", "2000", "30001", "50"], tcp],
        ["gap", ["", "0", "9", "10", "5000", "-1", "5001", "x", "12.5"], serial],
        ["gap", ["250", "5001", "0"], tcp],
        ["retries", ["", "0", "10", "11", "1.5", "-1", "x"], serial],
        ["retries", ["3", "11"], tcp],
      ];
      for (const [key, values, base] of cases) {
        for (const value of values) {
          const config: Record<string, string> = { ...base, [key]: value };
          let runtime = true;
          try {
            runtime = parsePylonPortConfig(config).raised.length === 0;
          } catch {
            runtime = false;
          }
          const editor = check(T, key, value, config) === true;
          assert.equal(editor, runtime, `${key}=${JSON.stringify(value)} (${JSON.stringify(base)}): editor ${editor}, runtime ${runtime}`);
        }
      }
    });

    it("labels: name, else path or host:port", () => {
      const label = (node: Record<string, unknown>): string => (definition(T).label as (this: Record<string, unknown>) => string).call(node);
      assert.equal(label({ transport: "serial", path: "/dev/ttyUSB0" }), "/dev/ttyUSB0");
      assert.equal(label({ path: "/dev/serial/by-id/usb-FTDI-if00" }), "/dev/serial/by-id/usb-FTDI-if00");
      assert.equal(label({ transport: "tcp", host: "192.168.1.60", port: "8899" }), "192.168.1.60:8899");
      assert.equal(label({ name: "Battery", transport: "tcp", host: "x", port: "23" }), "Battery");
    });

    it("looks ports up at the relative URL the runtime serves", () => {
      const html = editors.get(T)?.html ?? "";
      assert.ok(html.includes('"pylon-port/ports"'), "getJSON(\"pylon-port/ports\")");
      assert.ok(!html.includes('"/pylon-port/ports"'), "no leading slash: the editor may live under httpAdminRoot");
      const runtime = readFileSync(join(nodesDir, "pylon-port.ts"), "utf8");
      assert.ok(runtime.includes('httpAdmin.get("/pylon-port/ports"'), "pylon-port.ts serves /pylon-port/ports");
    });

    describe("edit dialog", () => {
      const fields = (node: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(node).map(([k, v]) => [`#node-config-input-${k}`, v]));
      const called = (fake: FakeJQuery, selector: string, method: string): unknown[][] =>
        fake.calls.filter((c) => c.selector === selector && c.method === method).map((c) => c.args);
      const texts = (fake: FakeJQuery): string => fake.calls.filter((c) => c.method === "text").map((c) => String(c.args[0])).join("");

      it("shows the fields of the chosen transport", () => {
        const node = { ...tcp, mode: "rs485", baud: "" };
        const fake = fakeJQuery(fields(node));
        prepare(T, node, fake);
        assert.deepEqual(called(fake, ".pylon-port-serial", "toggle").at(-1), [false]);
        assert.deepEqual(called(fake, ".pylon-port-tcp", "toggle").at(-1), [true]);
        assert.deepEqual(called(fake, "#node-config-input-timeout", "attr").at(-1), ["placeholder", "2000"]);
        const s = { ...serial, mode: "rs232", baud: "" };
        const fake2 = fakeJQuery(fields(s));
        prepare(T, s, fake2);
        assert.deepEqual(called(fake2, ".pylon-port-serial", "toggle").at(-1), [true]);
        assert.deepEqual(called(fake2, "#node-config-input-timeout", "attr").at(-1), ["placeholder", "1000"]);
        assert.ok(texts(fake2).includes("default (1200)"), "the empty baud option names the rs232 default");
      });

      it("offers the listed ports as an autocomplete", () => {
        const node = { ...serial, path: "", mode: "rs485", baud: "" };
        const reply = { ports: [{ path: "/dev/ttyUSB0", manufacturer: "FTDI", serialNumber: "A12345" }, { path: "/dev/ttyACM0" }] };
        const fake = fakeJQuery(fields(node), reply);
        prepare(T, node, fake);
        fire(T, fake, "#pylon-port-lookup", "click");
        assert.deepEqual(fake.urls, ["pylon-port/ports"]);
        const auto = called(fake, "#node-config-input-path", "autocomplete");
        const options = auto[0]?.[0] as { source: unknown; minLength: number };
        // Made in the sandbox's realm: compare as JSON.
        assert.deepEqual(JSON.parse(JSON.stringify(options.source)), [
          { label: "/dev/ttyUSB0 (FTDI A12345)", value: "/dev/ttyUSB0" },
          { label: "/dev/ttyACM0", value: "/dev/ttyACM0" },
        ]);
        assert.equal(options.minLength, 0);
        assert.deepEqual(auto[1], ["search", ""]);
        assert.equal(called(fake, "#pylon-port-path-hint", "show").length, 0);
        assert.equal(called(fake, "#pylon-port-lookup", "removeClass").length, 1, "the button is enabled again");
      });

      it("says the path can be typed when listing fails or finds nothing", () => {
        const node = { ...serial, path: "", mode: "rs485", baud: "" };
        const replies: Array<[unknown, RegExp]> = [
          [{ ports: [], error: "cannot list serial ports: spawn udevadm ENOENT" }, /udevadm ENOENT/],
          [{ ports: [] }, /No serial ports found/],
          [undefined, /Cannot list serial ports \(HTTP 500\)/],
        ];
        for (const [reply, why] of replies) {
          const fake = fakeJQuery(fields(node), reply);
          prepare(T, node, fake);
          fire(T, fake, "#pylon-port-lookup", "click");
          assert.equal(called(fake, "#pylon-port-path-hint", "show").length, 1, `hint shown for ${JSON.stringify(reply)}`);
          assert.match(texts(fake), why);
          assert.match(texts(fake), /\/dev\/ttyUSB0[\s\S]*\/dev\/serial\/by-id\//);
          assert.equal(called(fake, "#node-config-input-path", "autocomplete").length, 0);
        }
      });

      it("keeps an ${ENV} value a select has no option for", () => {
        const node = { ...serial, mode: "rs485", baud: "${PYLON_BAUD}" };
        const fake = fakeJQuery(fields(node));
        prepare(T, node, fake);
        assert.ok(fake.calls.some((c) => c.method === "val" && c.args[0] === "${PYLON_BAUD}"), "an option for ${PYLON_BAUD} is added");
        assert.equal(fake.values["#node-config-input-baud"], "${PYLON_BAUD}");
      });
    });

    it("documents wiring, gateways and the shared queue", () => {
      const help = block(editors.get(T)?.html ?? "", "help", T) ?? "";
      for (const words of ["pin 7", "pin 8", "swap A and B", "120 Ω", "DIP switch 1", "one master", "/dev/serial/by-id/", "ser2net", "raw TCP", "one request in flight", "reopened"]) {
        assert.ok(help.includes(words), `help lacks "${words}"`);
      }
    });
  });

  describe("pylon-poll definition", () => {
    const T = "pylon-poll";

    it("has one input, one output and the documented defaults", () => {
      const def = definition(T);
      assert.equal(def.category, "energy");
      assert.equal(def.inputs, 1);
      assert.equal(def.outputs, 1);
      assert.equal(def.icon, "pylon-poll.svg");
      assert.ok(def.color && def.color !== definition("lxp-in").color, "a colour of its own");
      assert.equal(def.defaults.port.type, "pylon-port");
      assert.equal(def.defaults.port.required, true);
      const values = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.deepEqual(values, {
        name: "",
        port: "",
        packs: "auto",
        interval: "10",
        chargeManagement: false,
        system: false,
        perPack: false,
        identityMinutes: "60",
        configVersion: 1,
      });
      const form = block(editors.get(T)?.html ?? "", "template", T) ?? "";
      for (const key of ["chargeManagement", "system", "perPack"]) {
        assert.match(form, new RegExp(`<input type="checkbox" id="node-input-${key}"`), `${key} is a checkbox`);
      }
      const packs = [...form.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
      assert.deepEqual(packs, ["auto", ...Array.from({ length: 16 }, (_, k) => String(k + 1))]);
    });

    it("packs: auto or 1-16 (as parsePacks in pylon-poll.ts)", () => {
      for (const v of ["auto", "", "1", "3", "16", " 4 ", "8.0", "${PYLON_PACKS}"]) ok(T, "packs", v);
      for (const v of ["0", "17", "1.5", "Auto", "all", "-1"]) bad(T, "packs", v);
    });

    it("interval: 0 or 1-86400 s; identity refresh: 1-10080 min (empty = default)", () => {
      for (const v of ["", "0", "1", "10", "86400", "${PYLON_INTERVAL}"]) ok(T, "interval", v);
      for (const v of ["0.5", "0.001", "-1", "86401", "10s"]) bad(T, "interval", v);
      assert.match(String(check(T, "interval", "0.5")), /0 \(only on input\) or a number from 1 to 86400/);
      for (const v of ["", "1", "1.5", "60", "10080"]) ok(T, "identityMinutes", v);
      for (const v of ["0", "0.5", "10081", "-1", "hourly"]) bad(T, "identityMinutes", v);
    });

    it("agrees with the runtime check (parsePylonPollConfig): valid in the editor = accepted without raising", () => {
      const cases: Array<[string, string[]]> = [
        ["interval", ["", "0", "0.0", "0.001", "0.5", "1", "10", "86400", "86401", "-1", "x"]],
        ["identityMinutes", ["", "0", "0.5", "1", "60", "10080", "10081", "-1", "x"]],
        ["packs", ["", "auto", "1", "16", "0", "17", "1.5", "x"]],
      ];
      for (const [key, values] of cases) {
        for (const value of values) {
          let runtime = true;
          try {
            runtime = parsePylonPollConfig({ [key]: value }).raised.length === 0;
          } catch {
            runtime = false;
          }
          const editor = check(T, key, value) === true;
          assert.equal(editor, runtime, `${key}=${JSON.stringify(value)}: editor ${editor}, runtime ${runtime}`);
        }
      }
    });

    it("labels itself, its input and its output", () => {
      const def = definition(T);
      const node = Object.fromEntries(Object.entries(def.defaults).map(([k, p]) => [k, p.value]));
      assert.equal((def.label as (this: Record<string, unknown>) => string).call(node), "pylon-poll");
      assert.ok(def.inputLabels, "input label");
      const out = def.outputLabels as (this: Record<string, unknown>, index: number) => string;
      assert.match(out.call(node, 0), /pylon\/\{port\}/);
      assert.doesNotMatch(out.call(node, 0), /\{address\}/);
      assert.match(out.call({ ...node, perPack: true }, 0), /pylon\/\{port\}\/\{address\}/);
      assert.doesNotMatch(out.call(node, 0), /system/);
      assert.match(out.call({ ...node, system: true }, 0), /errors, system\}/);
    });

    it("keeps an ${ENV} packs value the select has no option for", () => {
      const fake = fakeJQuery({ "#node-input-packs": "${PYLON_PACKS}" });
      prepare(T, { packs: "${PYLON_PACKS}" }, fake);
      assert.equal(fake.values["#node-input-packs"], "${PYLON_PACKS}");
      assert.ok(fake.calls.some((c) => c.method === "appendTo"), "an option is added");
    });

    it("documents the topic, every payload key of docs/pylon-payloads.md and the status", () => {
      const help = block(editors.get(T)?.html ?? "", "help", T) ?? "";
      for (const h of ["Inputs", "Outputs", "Details", "Status"]) assert.match(help, new RegExp(`<h3>${h}</h3>`));
      const keys = [
        // stack
        "pack_count", "voltage", "current", "power", "remaining_ah", "total_ah", "soc", "cell_min", "cell_max", "cell_spread_mv", "temperature_max", "time",
        // pack
        "address", "cell_voltages", "temperatures", "cycles", "alarms", "charge_management", "serial", "device_name", "software_version", "manufacturer",
        "firmware", "protocol_version", "system_parameters",
        // system (V3.5)
        "system", "basic_info", "analog", "charge_immediately", "pack_count", "barcodes",
        // errors
        "stack", "packs", "errors", "command", "error", "timeout", "checksum",
        // passive port (docs/pylon-payloads.md §13)
        "passive", "request", "updated",
      ];
      const code = [...help.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => m[1]).join(" ");
      for (const key of keys) assert.match(code, new RegExp(`\\b${key}\\b`), `help names no <code>${key}</code>`);
      for (const words of ["pylon/{port}", "pylon/{port}/{address}", "ttyUSB0", "host:port", "Catch", "0x4F", "0x42", "0x44", "0x92", "0x93", "0x51", "0x96", "0x47", "0x60", "0x61", "0x62", "0x63", "implausible_values", "every 10 minutes", "3 packs · 45 cells · 0.4 s", "the interval is not used", "listening · 3 packs"]) {
        assert.ok(help.includes(words), `help lacks "${words}"`);
      }
    });
  });

  it("the pylon editors check the limits of nodes/lib/pylon/link/limits.ts, at each edge", () => {
    const fields: Array<[string, keyof typeof PYLON_LIMITS, Record<string, unknown>]> = [
      ["pylon-poll", "interval", {}],
      ["pylon-poll", "identityMinutes", {}],
      ["pylon-port", "timeout", { transport: "serial", path: "/dev/ttyUSB0" }],
      ["pylon-port", "gap", { transport: "serial", path: "/dev/ttyUSB0" }],
      ["pylon-port", "retries", { transport: "serial", path: "/dev/ttyUSB0" }],
    ];
    for (const [type, key, node] of fields) {
      const { min, max } = PYLON_LIMITS[key];
      ok(type, key, String(min), node);
      ok(type, key, String(max), node);
      bad(type, key, String(max + 1), node);
      if (min > 0) bad(type, key, String(min / 2), node);
      else bad(type, key, "-1", node);
    }
  });

  describe("config versions in the edit dialog", () => {
    /** The schemas with `type` at version 2, reached by renaming `from` to `to`. */
    const renamed = (type: string, from: string, to: string) => (real: SchemasGlobal): SchemasGlobal => ({
      ...real,
      schemas: { ...real.schemas, [type]: { ...real.schemas[type], version: 2, migrations: [{ to: 2, rename: { [from]: to } }] } },
    });
    const versioned = (type: string): { oneditprepare: (this: Record<string, unknown>) => void; oneditsave: (this: Record<string, unknown>) => void } => {
      const def = definition(type) as NodeDefinition & { oneditsave?: (this: Record<string, unknown>) => void };
      assert.equal(typeof def.oneditprepare, "function", `${type}: oneditprepare`);
      assert.equal(typeof def.oneditsave, "function", `${type}: oneditsave`);
      return def as never;
    };

    it("every node stamps the current version on save only when its saved one is older (a flow saved today stays unchanged)", () => {
      for (const type of editors.keys()) {
        const def = versioned(type);
        const today: Record<string, unknown> = { name: "x" };
        def.oneditsave.call(today);
        assert.deepEqual(today, { name: "x" }, `${type}: a node saved before versions is at version 1, nothing to store`);
        const newer: Record<string, unknown> = { configVersion: 7 };
        def.oneditsave.call(newer);
        assert.equal(newer.configVersion, 7, `${type}: never lowered`);
      }
    });

    it("a flow saved today opens without any field set again", () => {
      const node = { transport: "tcp", host: "10.0.0.1", port: "8000" };
      const fake = fakeJQuery({ "#node-config-input-transport": "tcp" });
      prepare("lxp-dongle", node, fake);
      assert.deepEqual(fake.calls.filter((c) => c.method === "val" && c.args.length > 0 && c.selector !== "#node-config-input-currentDivisor").map((c) => c.selector), []);
    });

    it("a text field renamed by a migration shows the saved value under its new name, and is saved at the new version", () => {
      const editor = loadEditor("lxp-request.html", renamed("lxp-request", "timeoutS", "timeout"));
      const def = editor.definitions.get("lxp-request") as NodeDefinition & { oneditsave: (this: Record<string, unknown>) => void };
      assert.equal(def.defaults.configVersion.value, 2, "a new node starts at version 2");
      const node: Record<string, unknown> = { dongle: "d1", timeoutS: "20", retries: "1" };
      const fake = fakeJQuery({});
      editor.context.$ = fake.$;
      try {
        def.oneditprepare?.call(node);
      } finally {
        delete editor.context.$;
      }
      assert.equal(fake.values["#node-input-timeout"], "20");
      assert.deepEqual(fake.calls.filter((c) => c.method === "val" && c.args.length > 0).map((c) => c.selector), ["#node-input-timeout"]);
      def.oneditsave.call(node);
      assert.equal(node.configVersion, 2);
      const again: Record<string, unknown> = { dongle: "d1", timeout: "30", configVersion: 2 };
      const fake2 = fakeJQuery({});
      editor.context.$ = fake2.$;
      try {
        def.oneditprepare?.call(again);
      } finally {
        delete editor.context.$;
      }
      assert.deepEqual(fake2.calls.filter((c) => c.method === "val" && c.args.length > 0), [], "a node at version 2 is not migrated again");
    });

    it("a checkbox renamed by a migration is ticked as saved", () => {
      const editor = loadEditor("lxp-in.html", renamed("lxp-in", "holdRegs", "holds"));
      const def = editor.definitions.get("lxp-in") as NodeDefinition;
      const fake = fakeJQuery({});
      editor.context.$ = fake.$;
      try {
        def.oneditprepare?.call({ dongle: "d1", holdRegs: false, inputRegs: true });
      } finally {
        delete editor.context.$;
      }
      assert.deepEqual(fake.calls.filter((c) => c.method === "prop" && c.args[0] === "checked" && c.selector === "#node-input-holds").map((c) => c.args[1]), [false]);
    });
  });

  it("pylon help never suggests sending the state-changing commands", () => {
    for (const type of ["pylon-port", "pylon-poll"]) {
      const help = block(editors.get(type)?.html ?? "", "help", type) ?? "";
      for (const cmd of ["0x94", "0x95", "0x64"]) {
        for (const m of help.matchAll(new RegExp(cmd, "g"))) {
          const sentence = help.slice(Math.max(0, help.lastIndexOf(".", m.index) + 1), help.indexOf(".", m.index + cmd.length));
          assert.match(sentence, /never/, `${type}: ${cmd} only as "never sent": ${sentence.trim()}`);
        }
      }
    }
  });
});
