/* The configuration of every node of node-red-contrib-lxp-pylon, declared once.
 *
 * Read by the runtime (nodes/lib/common/config-schema.ts requires this file), by the edit dialogs
 * (nodes/*.html load it with <script src="resources/node-red-contrib-lxp-pylon/config-schemas.js">
 * before editor-validators.js, which builds each node's `defaults` from it) and by the CLI (through
 * the runtime's config parsers). Plain ES2017, no dependencies: in Node it is a CommonJS module, in
 * the browser it defines one global, LxpPylonSchemas.
 *
 * A field:
 *   key          the property name in the flow. Saved flows hold it: never rename one without a
 *                migration (below).
 *   type         text | number | integer | boolean | enum | host | ipv4 | node (a config node picker)
 *   default      the value a new node gets in the editor, as the flow stores it (text for text
 *                inputs and selects, true/false for checkboxes). Blank means this value at deploy,
 *                unless `blankMeans` says otherwise.
 *   blankMeans   { by, values, except? }: what a blank value means at deploy, by the value of field
 *                `by`; `except` ({ by, values }) wins where its field has one of its values.
 *   what         how messages name the setting, with its unit: "reply timeout (ms)".
 *   min, max     the range of a number; `also` lists words accepted besides numbers ("auto").
 *   values       the choices of an enum (words, or numbers compared as numbers).
 *   zeroMeans    0 is allowed below `min` and means this ("off", "only on input").
 *   belowMin     "raise": a saved value below `min` (older versions accepted it) is raised to it
 *                at deploy with a warning, and marked in the editor; the CLI refuses it or warns.
 *                LuxPower settings refuse 0 unless `zeroMeans` (nodes/lib/lxp/link/timing-limits.ts),
 *                PylonTech settings raise it too (nodes/lib/pylon/link/limits.ts).
 *   minimumWhen  the minimum is checked only when these fields have these values.
 *   when         the field is used only when these fields have these values (else any value passes).
 *   required     the editor refuses a blank value. requiredWhen: only when these fields match.
 *   pattern      a regular expression (as text) a non-blank value must match.
 *   node         the type of config node a `node` field picks.
 *   editor       false: not in the edit dialog (set in the flow JSON only).
 * Every field but checkboxes and node pickers accepts a whole ${ENV} value in the editor (it is
 * checked at deploy, after Node-RED substituted it).
 *
 * Every setting that is true/false is a checkbox; `checked()` reads one the same way everywhere:
 * true, or the text "true" (any case, as an ${ENV} value gives it).
 *
 * Versions. Each node type has a config `version`; a node saved with it stores it as
 * `configVersion` (a flow saved before versions existed has none: version 1). `migrations` lists,
 * in order, what turns version N-1 into N: { to: N, rename: { oldKey: "newKey" } }. The runtime
 * applies them when a node starts, the editor when a dialog opens (the node is saved at the
 * current version).
 */
/* global window */
(function (root, factory) {
    "use strict";
    const api = factory();
    if (typeof module === "object" && module && module.exports && typeof window === "undefined") module.exports = api;
    else root.LxpPylonSchemas = api;
})(typeof globalThis === "object" ? globalThis : window, function () {
    "use strict";

    /** The property a node's saved configuration keeps its config version in. */
    const VERSION_KEY = "configVersion";

    const TCP = Object.freeze({ transport: "tcp" });
    const UDP = Object.freeze({ transport: "udp" });
    const SERIAL = Object.freeze({ transport: "serial" });
    /** A dongle or inverter serial: 10 letters or digits. */
    const SERIAL_NUMBER = "^[A-Za-z0-9]{10}$";

    const schemas = {
        "lxp-dongle": {
            device: "lxp",
            category: "config",
            version: 1,
            migrations: [],
            fields: [
                { key: "name", type: "text", default: "" },
                { key: "transport", type: "enum", default: "tcp", values: ["tcp", "udp"], what: "transport", required: true },
                { key: "host", type: "host", default: "", what: "host", when: TCP, requiredWhen: TCP },
                { key: "port", type: "integer", default: "8000", what: "port", min: 1, max: 65535, required: true },
                { key: "bind", type: "ipv4", default: "0.0.0.0", what: "listen address", when: UDP },
                { key: "source", type: "ipv4", default: "", what: "source filter", when: UDP },
                // A dongle that drops each connection at once is not reconnected more than once a second.
                { key: "reconnect", type: "number", default: "5", what: "reconnect delay (s)", min: 1, max: 3600, belowMin: "raise" },
                // The dongle sends a heartbeat about once a minute: a shorter watchdog drops healthy
                // connections. UDP has no watchdog: its value is range-checked only.
                {
                    key: "watchdog", type: "number", default: "600", what: "silence watchdog (s)", min: 60, max: 86400,
                    zeroMeans: "off", belowMin: "raise", minimumWhen: TCP,
                },
                { key: "datalog", type: "text", default: "", what: "datalog", pattern: SERIAL_NUMBER },
                { key: "inverter", type: "text", default: "", what: "inverter serial", pattern: SERIAL_NUMBER },
                { key: "allowWrites", type: "boolean", default: false },
                { key: "writableRegisters", type: "text", default: "", what: "writable registers" },
                { key: "answerHeartbeats", type: "boolean", default: false },
                // Each waiting request holds a message and a timer.
                { key: "queueLimit", type: "integer", default: "50", what: "queue limit", min: 1, max: 1000 },
                { key: "currentDivisor", type: "enum", default: "100", values: [10, 100], what: "BMS current divisor" },
                // Seconds between input broadcasts until param 0 is seen; the input-quiet check runs every quarter of it.
                { key: "broadcastInterval", type: "number", default: "300", what: "broadcast interval (s)", min: 1, max: 86400, belowMin: "raise", editor: false },
            ],
        },
        "lxp-in": {
            device: "lxp",
            version: 1,
            migrations: [],
            fields: [
                { key: "name", type: "text", default: "" },
                { key: "dongle", type: "node", node: "lxp-dongle", default: "", required: true },
                // Not "inputs": the editor reserves that property for the number of input ports.
                { key: "inputRegs", type: "boolean", default: true },
                { key: "holds", type: "boolean", default: true },
                { key: "heartbeats", type: "boolean", default: false },
                { key: "params", type: "boolean", default: true },
                { key: "exceptions", type: "boolean", default: true },
                { key: "requests", type: "boolean", default: false },
                { key: "mergeBanks", type: "boolean", default: false },
            ],
        },
        "lxp-request": {
            device: "lxp",
            version: 1,
            migrations: [],
            fields: [
                { key: "name", type: "text", default: "" },
                { key: "dongle", type: "node", node: "lxp-dongle", default: "", required: true },
                { key: "command", type: "text", default: "", what: "command" },
                { key: "value", type: "text", default: "", what: "value" },
                // A reply passes the dongle's serial link to the inverter: a shorter timeout only resends requests.
                { key: "timeout", type: "number", default: "10", what: "timeout (s)", min: 0.5, max: 300, belowMin: "raise" },
                { key: "retries", type: "integer", default: "1", what: "retries", min: 0, max: 10 },
                // The clock is set only when it is more than 120 s off: checking more often than hourly gains nothing.
                { key: "autoSync", type: "number", default: "0", what: "automatic time sync (hours)", min: 1, max: 168, zeroMeans: "off", belowMin: "raise" },
            ],
        },
        "pylon-port": {
            device: "pylon",
            category: "config",
            version: 1,
            migrations: [],
            fields: [
                { key: "name", type: "text", default: "" },
                { key: "transport", type: "enum", default: "serial", values: ["serial", "tcp"], what: "transport" },
                { key: "path", type: "text", default: "", what: "serial port path", when: SERIAL, requiredWhen: SERIAL },
                // The console port's binary protocol runs at 1200 baud until woken; RS485 at 115200 (or 9600, DIP 1).
                {
                    key: "baud", type: "enum", default: "", values: [115200, 9600, 1200], what: "baud rate", when: SERIAL,
                    // Passive: inverters poll the packs' RS485 port at 9600 (pylon-protocol.md §12). Console:
                    // the text shell runs at 115200; the link wakes older packs at 1200 itself (§7.2).
                    blankMeans: { by: "mode", values: { rs485: 115200, rs232: 1200, console: 115200, passive: 9600 } },
                },
                { key: "host", type: "host", default: "", what: "host", when: { transport: "tcp" }, requiredWhen: { transport: "tcp" } },
                { key: "port", type: "integer", default: "", what: "gateway port", min: 1, max: 65535, when: { transport: "tcp" }, requiredWhen: { transport: "tcp" } },
                { key: "mode", type: "enum", default: "rs485", values: ["rs485", "rs232", "console", "passive"], what: "mode" },
                { key: "protocol", type: "enum", default: "pylontech", values: ["pylontech", "seplos"], what: "protocol" },
                // A pack answers after about 70 ms (pylon-protocol.md §8).
                {
                    key: "timeout", type: "number", default: "", what: "reply timeout (ms)", min: 100, max: 30000, belowMin: "raise",
                    // A console command's whole (paged) output gets more time than one binary reply.
                    blankMeans: { by: "transport", values: { serial: 1000, tcp: 2000 }, except: { by: "mode", values: { console: 5000 } } },
                },
                // Other tools use 20–250 ms (pylon-protocol.md §8).
                { key: "gap", type: "number", default: "50", what: "gap between requests (ms)", min: 10, max: 5000, belowMin: "raise" },
                { key: "retries", type: "integer", default: "1", what: "retries", min: 0, max: 10, belowMin: "raise" },
                { key: "reconnect", type: "number", default: "2", what: "reopen delay (s)", min: 0.1, max: 3600, belowMin: "raise", editor: false },
            ],
        },
        "pylon-poll": {
            device: "pylon",
            version: 1,
            migrations: [],
            fields: [
                { key: "name", type: "text", default: "" },
                { key: "port", type: "node", node: "pylon-port", default: "", required: true },
                { key: "packs", type: "integer", default: "auto", what: "packs", also: ["auto"], min: 1, max: 16 },
                // 0.001 s was accepted once: 864 messages a second.
                { key: "interval", type: "number", default: "10", what: "interval (s)", min: 1, max: 86400, zeroMeans: "only on input", belowMin: "raise" },
                { key: "chargeManagement", type: "boolean", default: false },
                { key: "system", type: "boolean", default: false },
                { key: "perPack", type: "boolean", default: false },
                { key: "identityMinutes", type: "number", default: "60", what: "identity refresh (min)", min: 1, max: 10080, belowMin: "raise" },
            ],
        },
    };

    /** A value as trimmed text; undefined and null are "". */
    const text = (v) => (v === undefined || v === null ? "" : String(v).trim());

    /** A checkbox: true, or "true" (any case) from an ${ENV} value; undefined (a flow saved before it existed) gives `fallback`. */
    function checked(value, fallback) {
        if (value === undefined) return fallback === true;
        return value === true || text(value).toLowerCase() === "true";
    }

    /** The config version a node was saved with: 1 when it has none (saved before versions existed). */
    function savedVersion(config) {
        const n = Number(config && config[VERSION_KEY]);
        return Number.isInteger(n) && n >= 1 ? n : 1;
    }

    /**
     * The configuration as this version reads it: the migrations after the saved version applied in
     * order, `configVersion` set to the schema's. A configuration at the current version, or saved
     * by a newer version, is returned as it is (the same object). Never changes `config`.
     */
    function migrate(schema, config) {
        const from = savedVersion(config);
        if (from >= schema.version) return { config: config, from: from, to: from, applied: [] };
        let out = Object.assign({}, config);
        const applied = [];
        schema.migrations.forEach(function (migration) {
            if (migration.to <= from || migration.to > schema.version) return;
            const rename = migration.rename || {};
            Object.keys(rename).forEach(function (old) {
                if (!Object.prototype.hasOwnProperty.call(out, old)) return;
                out[rename[old]] = out[old];
                delete out[old];
            });
            if (typeof migration.change === "function") out = migration.change(out);
            applied.push(migration.to);
        });
        out[VERSION_KEY] = schema.version;
        return { config: out, from: from, to: schema.version, applied: applied };
    }

    function deepFreeze(value) {
        if (value && typeof value === "object" && !Object.isFrozen(value)) {
            Object.freeze(value);
            Object.keys(value).forEach((k) => deepFreeze(value[k]));
        }
        return value;
    }

    return deepFreeze({
        VERSION_KEY: VERSION_KEY,
        schemas: schemas,
        text: text,
        checked: checked,
        savedVersion: savedVersion,
        migrate: migrate,
    });
});
