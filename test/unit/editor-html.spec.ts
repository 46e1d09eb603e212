// Editor files (nodes/*.html): each registerType script runs in a vm sandbox with a stub RED, which
// proves it parses and lets the validators be called; the form, help and icon are checked beside it.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import vm from "node:vm";
import { parseDongleConfig } from "../../nodes/lib/dongle-config";

const root = join(__dirname, "..", "..");
const nodesDir = join(root, "nodes");
const iconsDir = join(root, "icons");

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
  outputLabels?: string | string[] | ((this: Record<string, unknown>, index: number) => string);
  oneditprepare?: () => void;
}

interface EditorFile {
  file: string;
  type: string;
  html: string;
  definitions: Map<string, NodeDefinition>;
}

/** Runs every text/javascript block of an editor file against a stub RED; returns what it registered. */
function loadEditor(file: string): EditorFile {
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
    _: (key: string) => key,
  };
  // No `$` in the sandbox: validators must not need jQuery when no edit dialog is open.
  const context = vm.createContext({ RED, console });
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, `${file} has no <script type="text/javascript"> block`);
  for (const code of scripts) vm.runInContext(code, context, { filename: file });
  return { file, type: basename(file, ".html"), html, definitions };
}

/** The inner text of `<script type="text/html" data-<kind>-name="type">`, or undefined. */
function block(html: string, kind: "template" | "help", type: string): string | undefined {
  const re = new RegExp(`<script type="text/html" data-${kind}-name="${type}">([\\s\\S]*?)</script>`);
  return re.exec(html)?.[1];
}

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

describe("editor HTML", () => {
  it("finds the editor files of the package", () => {
    assert.ok(editors.has("lxp-dongle") && editors.has("lxp-in"), `found ${editorFiles.join(", ")}`);
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

      it("has a form with an input for every default", () => {
        const def = definition(type);
        const form = block(editor().html, "template", type);
        assert.ok(form, `no data-template-name="${type}" block`);
        const prefix = def.category === "config" ? "node-config-input-" : "node-input-";
        for (const key of Object.keys(def.defaults)) {
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
        currentDivisor: "100",
      });
      const form = block(editors.get(T)?.html ?? "", "template", T) ?? "";
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

    it("reconnect: 0.1-3600 s; watchdog: 0-86400 s (blank = default)", () => {
      for (const v of ["0.1", "5", "3600", ""]) ok(T, "reconnect", v, tcp);
      for (const v of ["0", "0.05", "3601", "soon"]) bad(T, "reconnect", v, tcp);
      for (const v of ["0", "600", "86400", ""]) ok(T, "watchdog", v, tcp);
      for (const v of ["-1", "86401", "ten"]) bad(T, "watchdog", v, tcp);
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
        ["reconnect", ["", "0.1", "3600", "0", "3601", "x"], { transport: "tcp" }],
        ["watchdog", ["", "0", "86400", "-1", "86401", "x"], { transport: "tcp" }],
        ["watchdog", ["600", "-1"], { transport: "udp" }],
        ["datalog", ["", "BA12345678", "BA1234567", "BA-2345678", " BA12345678 "], {}],
        ["currentDivisor", ["", "10", "100", "10.0", "1", "50"], {}],
      ];
      for (const [key, values, extra] of cases) {
        for (const value of values) {
          const config: Record<string, string> = { ...base, ...extra, [key]: value };
          let runtime = true;
          try {
            parseDongleConfig(config);
          } catch {
            runtime = false;
          }
          const editor = check(T, key, value, config) === true;
          assert.equal(editor, runtime, `${key}=${JSON.stringify(value)} (${JSON.stringify(extra)}): editor ${editor}, runtime ${runtime}`);
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
        "inputs/{1..6}",
        "inputs/all",
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
      for (const word of ["p_battery", "p_grid", "inverter_time", "reg21.ac_charge_en", "tcp_function", "msg.lxp.raw", "Catch"]) {
        assert.ok(help.includes(word), `help lacks ${word}`);
      }
    });
  });
});
