/* Editor helpers shared by the node-red-contrib-lxp-pylon edit dialogs (nodes/*.html).
 *
 * Node-RED serves this package's resources/ folder at resources/node-red-contrib-lxp-pylon/, and each
 * node's HTML loads this file with
 *     <script src="resources/node-red-contrib-lxp-pylon/editor-validators.js"></script>
 * before its own script. Plain ES2017 in the browser, no modules: it defines one global,
 * LxpPylonEditor. The editor loads it once per node set, so defining it again must be harmless.
 *
 * The validators return true when a value is fine, else the message (when the editor passes `opt`)
 * or plain false. The messages are compared with the runtime config checks (dongle-config.ts, request-config.ts, port-config.ts) by
 * test/unit/editor-html.spec.ts: change them only together. TIMING mirrors TIMING_LIMITS in
 * nodes/lib/lxp/link/timing-limits.ts (the same test compares the two tables).
 */
/* global window */
(function (root) {
    "use strict";

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
     * The ranges of the timing settings: a value below `min` is raised to it at deploy with a warning
     * (an old flow still starts); here it is marked invalid. zeroIsOff: 0 is allowed and means off.
     */
    const TIMING = Object.freeze({
        "lxp-dongle": Object.freeze({
            reconnect: Object.freeze({ what: "reconnect delay (s)", min: 1, max: 3600 }),
            watchdog: Object.freeze({ what: "silence watchdog (s)", min: 60, max: 86400, zeroIsOff: true }),
            broadcastInterval: Object.freeze({ what: "broadcast interval (s)", min: 1, max: 86400 }),
        }),
        "lxp-request": Object.freeze({
            timeout: Object.freeze({ what: "timeout (s)", min: 0.5, max: 300 }),
            autoSync: Object.freeze({ what: "automatic time sync (hours)", min: 1, max: 168, zeroIsOff: true }),
        }),
    });

    /**
     * A validator for the timing setting TIMING[type][key]; "" (the runtime default) and ${ENV} pass.
     * Options: minimumOnlyFor, transportOf: the minimum is checked only when transportOf(node) is
     * minimumOnlyFor (a setting the other transport ignores), the range always.
     */
    function timing(type, key, options) {
        const limit = TIMING[type] && TIMING[type][key];
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

    root.LxpPylonEditor = Object.freeze({
        ENV: ENV,
        IPV4: IPV4,
        HOSTNAME: HOSTNAME,
        IPV6: IPV6,
        text: text,
        fail: fail,
        fieldOf: fieldOf,
        transportOf: transportOf,
        numberIn: numberIn,
        TIMING: TIMING,
        timing: timing,
        isHost: isHost,
    });
})(typeof globalThis === "object" ? globalThis : window);
