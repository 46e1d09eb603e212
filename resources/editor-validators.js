/* Editor helpers shared by the node-red-contrib-lxp-pylon edit dialogs (nodes/*.html).
 *
 * Node-RED serves this package's resources/ folder at resources/node-red-contrib-lxp-pylon/, and each
 * node's HTML loads config-schemas.js and this file with
 *     <script src="resources/node-red-contrib-lxp-pylon/config-schemas.js"></script>
 *     <script src="resources/node-red-contrib-lxp-pylon/editor-validators.js"></script>
 * before its own script. The editor loads the <script src> files of the package in parallel (in
 * any order) and runs the nodes' own scripts once all have loaded, so this file reads
 * LxpPylonSchemas only when called. Plain ES2017 in the browser, no modules: it defines one global,
 * LxpPylonEditor. The editor loads it once per node set, so defining it again must be harmless.
 *
 * defaultsOf(type) builds a node's `defaults` (values and validators) from its declared schema
 * (LxpPylonSchemas, resources/config-schemas.js), which the runtime's config parsers read too.
 * The validators return true when a value is fine, else the message (when the editor passes `opt`)
 * or plain false. test/unit/editor-html.spec.ts compares their verdicts with the runtime config
 * checks (dongle-config.ts, request-config.ts, port-config.ts, poll-config.ts). TIMING is built from
 * the same declarations as TIMING_LIMITS in nodes/lib/lxp/link/timing-limits.ts (the test compares
 * the two).
 *
 * t(key, vars) is a text of the package's message catalogs (nodes/locales/<lang>/<node>.json): the
 * key names its catalog first ("lxp-in.paletteLabel" is in lxp-in.json), as in the runtime.
 */
/* global window */
(function (root) {
    "use strict";

    /**
     * The declared schemas (resources/config-schemas.js), read when used: the editor loads a node
     * set's <script src> files in parallel, so this file may run before that one. Both have run
     * before any node's own script does.
     */
    function schemas() {
        const S = root.LxpPylonSchemas;
        if (!S) throw new Error("LxpPylonEditor needs resources/config-schemas.js (LxpPylonSchemas) loaded");
        return S;
    }

    /** The package's name: the editor's namespace of a node's catalog is "<module>/<node>". */
    const MODULE = "node-red-contrib-lxp-pylon";

    /** A text of the catalog its key names, in the editor's language: t("pylon-port.hint.defaultBaud", { baud: 1200 }). */
    function t(key, vars) {
        const catalog = key.slice(0, key.indexOf("."));
        return root.RED._(MODULE + "/" + catalog + ":" + key, vars);
    }

    /** Words the option texts of a <select> from the catalogs: { optionValue: key }. */
    function optionTexts(select, keys) {
        Object.keys(keys).forEach(function (value) {
            select.find('option[value="' + value + '"]').text(t(keys[value]));
        });
    }

    /** A whole value that is an environment variable, resolved only at deploy: ${LXP_HOST}. */
    const ENV = /^\$\{[^}]+\}$/;
    const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
    const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
    const IPV6 = /^[0-9a-fA-F:]+$/;

    /** A property value as trimmed text; undefined and null are "". */
    const text = (v) => (v === undefined || v === null ? "" : String(v).trim());

    /** What a failed check returns: the message for the editor's tooltip when it asked (opt), else false. */
    const fail = (opt, message) => (opt ? message : false);

    /** A config-node field of the open edit dialog (#node-config-input-<key>), else the stored value; as text. */
    function fieldOf(node, key) {
        const jq = root.$;
        const field = typeof jq === "function" ? jq("#node-config-input-" + key) : null;
        return text(field && field.length ? field.val() : node && node[key]);
    }

    /** The transport chosen in the open edit dialog, else the stored one, else `fallback`. */
    function transportOf(node, fallback) {
        return fieldOf(node, "transport") || fallback;
    }

    /**
     * A validator for a number from min to max. An ${ENV} value always passes. Options:
     *   integer       the number must be whole;
     *   wholeInRange  with integer: a fraction fails with the range message, worded
     *                 "<what> must be a whole number from <min> to <max>" (else "<what> must be a whole number");
     *   blankAllowed  "" passes (the runtime default), else it fails with "<what> is required<hint>";
     *   hint          appended to the "is required" message, e.g. " (e.g. 8899, 4196 or 23)";
     *   onlyFor, transportOf
     *                 check only when transportOf(node) (called with the node as `this` of the validator)
     *                 is onlyFor; any value passes for another transport.
     */
    function numberIn(what, min, max, options) {
        const o = options || {};
        if (o.onlyFor && typeof o.transportOf !== "function") {
            throw new TypeError("numberIn(\"" + what + "\"): onlyFor needs a transportOf(node) function");
        }
        const whole = o.integer && o.wholeInRange;
        const range = what + " must be a " + (whole ? "whole " : "") + "number from " + min + " to " + max;
        return function (v, opt) {
            if (o.onlyFor && o.transportOf(this) !== o.onlyFor) return true;
            const s = text(v);
            if (s === "") return o.blankAllowed ? true : fail(opt, what + " is required" + (o.hint || ""));
            if (ENV.test(s)) return true;
            const n = Number(s);
            if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) return fail(opt, range);
            if (o.integer && !Number.isInteger(n)) return fail(opt, what + " must be a whole number");
            return true;
        };
    }

    /**
     * The ranges of the LuxPower timing settings (the fields declared with belowMin "raise"): a value
     * below `min` is raised to it at deploy with a warning (an old flow still starts); here it is
     * marked invalid. zeroIsOff: 0 is allowed and means off.
     */
    function timingTable() {
        const S = schemas();
        const table = {};
        Object.keys(S.schemas).forEach(function (type) {
            const schema = S.schemas[type];
            if (schema.device !== "lxp") return;
            schema.fields.forEach(function (f) {
                if (f.belowMin !== "raise") return;
                table[type] = table[type] || {};
                const limit = { what: f.what, min: f.min, max: f.max };
                if (f.zeroMeans === "off") limit.zeroIsOff = true;
                table[type][f.key] = Object.freeze(limit);
            });
        });
        Object.keys(table).forEach(function (type) {
            Object.freeze(table[type]);
        });
        return Object.freeze(table);
    }

    /**
     * A validator for the timing setting TIMING[type][key]; "" (the runtime default) and ${ENV} pass.
     * Options: minimumOnlyFor, transportOf: the minimum is checked only when transportOf(node) is
     * minimumOnlyFor (a setting the other transport ignores), the range always.
     */
    function timing(type, key, options) {
        const table = timingTable();
        const limit = table[type] && table[type][key];
        if (!limit) throw new TypeError("timing(\"" + type + "\", \"" + key + "\"): no such setting");
        const o = options || {};
        if (o.minimumOnlyFor && typeof o.transportOf !== "function") {
            throw new TypeError("timing(\"" + type + "\", \"" + key + "\"): minimumOnlyFor needs a transportOf(node) function");
        }
        const range = limit.what + " must be " + (limit.zeroIsOff ? "0 (off) or " : "") + "a number from " + limit.min + " to " + limit.max;
        const minimum = limit.what + " must be at least " + limit.min + (limit.zeroIsOff ? " (or 0 for off)" : "") +
            ": a smaller value is raised to " + limit.min + " when deployed";
        return function (v, opt) {
            const s = text(v);
            if (s === "" || ENV.test(s)) return true;
            const n = Number(s);
            if (n === 0 && limit.zeroIsOff) return true;
            if (!Number.isFinite(n) || n <= 0 || n > limit.max) return fail(opt, range);
            if (n >= limit.min || (o.minimumOnlyFor && o.transportOf(this) !== o.minimumOnlyFor)) return true;
            return fail(opt, minimum);
        };
    }

    /** True for a host name, IPv4 or IPv6 address (no port, no brackets) or an ${ENV} value. */
    const isHost = (s) => ENV.test(s) || IPV4.test(s) || HOSTNAME.test(s) || IPV6.test(s);

    /** "a, b or c". */
    function listOr(items) {
        const words = items.map(String);
        return words.length <= 1 ? words.join("") : words.slice(0, -1).join(", ") + " or " + words[words.length - 1];
    }

    const quote = (w) => "\"" + w + "\"";

    function schemaOf(type) {
        const schema = schemas().schemas[type];
        if (!schema) throw new TypeError("no config schema for " + quote(type));
        return schema;
    }

    /** The declared field `key` of a node type. */
    function field(type, key) {
        const found = schemaOf(type).fields.filter((f) => f.key === key)[0];
        if (!found) throw new TypeError(type + " declares no config field " + quote(key));
        return found;
    }

    /**
     * The value of field `key` in the open edit dialog, else the stored one, else its default: what
     * the runtime will read (a blank transport is the default transport).
     */
    function valueOf(type, node, key) {
        return fieldOf(node, key) || text(field(type, key).default);
    }

    /** Whether every field named in `match` ({ transport: "tcp" }) has that value; no match object: true. */
    function matches(type, node, match) {
        if (!match) return true;
        return Object.keys(match).every((key) => valueOf(type, node, key) === match[key]);
    }

    /** A number or integer field (not a LuxPower timing): blank, ${ENV}, a word of `also`, 0 when it means something, or in range. */
    function numberField(type, f, o) {
        const words = f.also || [];
        const whole = f.type === "integer";
        const range = f.what + " must be " + words.map((w) => quote(w) + " or ").join("") +
            (f.zeroMeans ? "0 (" + f.zeroMeans + ") or " : "") + "a " + (whole ? "whole " : "") + "number from " + f.min + " to " + f.max;
        return function (v, opt) {
            if (!matches(type, this, f.when)) return true;
            const s = text(v);
            if (s === "") return o.required(this) ? fail(opt, f.what + " is required" + o.hint) : true;
            if (ENV.test(s) || words.indexOf(s) >= 0) return true;
            const n = Number(s);
            if (f.zeroMeans && n === 0) return o.also(this, s, opt);
            if (!Number.isFinite(n) || n < f.min || n > f.max || (whole && !Number.isInteger(n))) return fail(opt, range);
            return o.also(this, s, opt);
        };
    }

    /** An enum field: blank, ${ENV} or one of the declared values (numbers compared as numbers: "10.0" is 10). */
    function enumField(type, f, o) {
        const numeric = f.values.every((x) => typeof x === "number");
        const choices = listOr(numeric ? f.values : f.values.map(quote));
        return function (v, opt) {
            if (!matches(type, this, f.when)) return true;
            const s = text(v);
            // A blank select of a required field is refused by the editor itself (defaults.required).
            if (s === "") return o.required(this) && !f.required ? fail(opt, f.what + " is required" + o.hint) : true;
            if (ENV.test(s)) return true;
            const known = f.values.indexOf(numeric ? Number(s) : s) >= 0;
            return known ? o.also(this, s, opt) : fail(opt, f.what + " must be " + choices + o.hint);
        };
    }

    /** A text, host or IPv4 field: blank (unless required), ${ENV}, or a value of its kind matching its pattern. */
    function textField(type, f, o) {
        const pattern = f.pattern ? new RegExp(f.pattern) : null;
        return function (v, opt) {
            if (!matches(type, this, f.when)) return true;
            const s = text(v);
            if (s === "") return o.required(this) ? fail(opt, f.what + " is required" + o.hint) : true;
            if (ENV.test(s)) return true;
            if (f.type === "host" && !isHost(s)) return fail(opt, f.what + " must be a host name, IPv4 or IPv6 address (no port, no brackets)");
            if (f.type === "ipv4" && !IPV4.test(s)) return fail(opt, f.what + " must be an IPv4 address such as 192.168.1.20");
            if (pattern && !pattern.test(s)) return fail(opt, o.message || f.what + " must match " + f.pattern);
            return o.also(this, s, opt);
        };
    }

    /**
     * The validator a declared field gets, or null (checkboxes, config-node pickers, free text).
     * `extra` from the node's HTML: hint (appended to the "is required" and "must be one of"
     * messages), message (for a value not matching the pattern), also(s, opt) (a further check of
     * a value the declaration accepts, called with the node as `this`).
     */
    function validatorFor(type, f, extra) {
        const e = extra || {};
        const o = {
            hint: e.hint || "",
            message: e.message,
            required: (node) => f.required === true || (f.requiredWhen !== undefined && matches(type, node, f.requiredWhen)),
            also: (node, s, opt) => (typeof e.also === "function" ? e.also.call(node, s, opt) : true),
        };
        if (f.type === "number" || f.type === "integer") {
            if (f.belowMin === "raise" && schemaOf(type).device === "lxp") {
                const key = f.minimumWhen ? Object.keys(f.minimumWhen)[0] : undefined;
                return timing(type, f.key, key ? { minimumOnlyFor: f.minimumWhen[key], transportOf: (node) => valueOf(type, node, key) } : {});
            }
            return numberField(type, f, o);
        }
        if (f.type === "enum") return enumField(type, f, o);
        if (f.type === "host" || f.type === "ipv4" || (f.type === "text" && (f.pattern || f.requiredWhen || f.required))) return textField(type, f, o);
        return null;
    }

    /**
     * A node's `defaults` for RED.nodes.registerType, from its declared schema: each field of the
     * edit dialog with its default value and a validator for what it declares (range, choices,
     * required when …), plus configVersion. `custom` (by key) adds to a field's validator (hint,
     * message, also) or replaces it (validate).
     */
    function defaultsOf(type, custom) {
        const c = custom || {};
        Object.keys(c).forEach((key) => field(type, key)); // a typo fails here, not silently
        const defaults = {};
        schemaOf(type).fields.forEach(function (f) {
            if (f.editor === false) return;
            const d = { value: f.default };
            if (f.type === "node") d.type = f.node;
            if (f.required) d.required = true;
            const extra = c[f.key] || {};
            const validate = typeof extra.validate === "function" ? extra.validate : validatorFor(type, f, extra);
            if (validate) d.validate = validate;
            defaults[f.key] = d;
        });
        // Not in the form: a new node gets the current version; stampVersion sets it on save.
        defaults[schemas().VERSION_KEY] = { value: schemaOf(type).version };
        return defaults;
    }

    /**
     * For oneditprepare: a node saved at an older config version is shown as this version reads it.
     * The editor filled the dialog from the saved properties; the fields a migration changed are set
     * again. Returns their keys.
     */
    function migrateForm(node, type) {
        const schema = schemaOf(type);
        const S = schemas();
        const result = S.migrate(schema, node);
        if (result.applied.length === 0) return [];
        const prefix = schema.category === "config" ? "node-config-input-" : "node-input-";
        const changed = [];
        schema.fields.forEach(function (f) {
            if (f.editor === false || result.config[f.key] === node[f.key]) return;
            const input = root.$("#" + prefix + f.key);
            if (f.type === "boolean") input.prop("checked", S.checked(result.config[f.key], f.default));
            else input.val(text(result.config[f.key]));
            changed.push(f.key);
        });
        return changed;
    }

    /**
     * An edit dialog's read-only Statistics: GET lxp-pylon/stats/<id> (nodes/lib/common/admin-stats.ts)
     * drawn into `box` as a table of rows(link) → [[catalog key, value], …]. `keys` names the catalog
     * texts for loading, notDeployed, failed and noLink. Relative URL: works under any httpAdminRoot.
     */
    function showLinkStats(box, nodeId, keys, rows) {
        const jq = root.$;
        box.text(t(keys.loading));
        jq.getJSON("lxp-pylon/stats/" + encodeURIComponent(nodeId))
            .done(function (data) {
                box.empty();
                if (!data || !data.link) {
                    box.text(t(keys.noLink, { error: (data && data.configError) || "?" }));
                    return;
                }
                const table = jq("<table>").css({ width: "100%" });
                rows(data.link).forEach(function (row) {
                    jq("<tr>")
                        .append(jq("<td>").css({ opacity: 0.7, "padding-right": "8px", "white-space": "nowrap" }).text(t(row[0])))
                        .append(jq("<td>").text(String(row[1])))
                        .appendTo(table);
                });
                table.appendTo(box);
            })
            .fail(function (xhr) {
                box.text(xhr && xhr.status === 404 ? t(keys.notDeployed) : t(keys.failed));
            });
    }

    /** For oneditsave: a node saved from the dialog is at the current config version (never lowered). */
    function stampVersion(node, type) {
        const version = schemaOf(type).version;
        const S = schemas();
        if (S.savedVersion(node) < version) node[S.VERSION_KEY] = version;
    }

    root.LxpPylonEditor = Object.freeze({
        ENV: ENV,
        IPV4: IPV4,
        HOSTNAME: HOSTNAME,
        IPV6: IPV6,
        text: text,
        fail: fail,
        t: t,
        optionTexts: optionTexts,
        showLinkStats: showLinkStats,
        fieldOf: fieldOf,
        transportOf: transportOf,
        numberIn: numberIn,
        get TIMING() {
            return timingTable();
        },
        timing: timing,
        isHost: isHost,
        checked: (value, fallback) => schemas().checked(value, fallback),
        field: field,
        defaultsOf: defaultsOf,
        migrateForm: migrateForm,
        stampVersion: stampVersion,
    });
})(typeof globalThis === "object" ? globalThis : window);
