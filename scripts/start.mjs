// `npm start`: Node-RED 4.1 on 127.0.0.1:1880 with this package loaded from the working tree and a
// throwaway user directory (.node-red-dev/, git-ignored). Ctrl-C stops what it started.
// Environment: PORT (1880), HOST (127.0.0.1), NODE_RED_USER_DIR (.node-red-dev).
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const require = createRequire(import.meta.url);
const pkg = require(join(root, "package.json"));
const port = Number(process.env.PORT ?? 1880);
const host = process.env.HOST ?? "127.0.0.1";
const userDir = resolve(process.env.NODE_RED_USER_DIR ?? join(root, ".node-red-dev"));

mkdirSync(join(userDir, "node_modules"), { recursive: true });
// The package is linked, not installed, so edits + `npm run build` show up on the next start.
const link = join(userDir, "node_modules", pkg.name);
if (existsSync(link) || lstatExists(link)) rmSync(link, { recursive: true, force: true });
symlinkSync(root, link, "dir");
writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "node-red-dev", private: true }, null, 2));
writeFileSync(
  join(userDir, "settings.js"),
  `module.exports = ${JSON.stringify(
    {
      uiHost: host,
      uiPort: port,
      flowFile: "flows.json",
      credentialSecret: false,
      telemetry: { enabled: false },
      editorTheme: { tours: false },
      logging: { console: { level: "info", metrics: false, audit: false } },
    },
    null,
    2,
  )};\n`,
);

function lstatExists(p) {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

const red = require.resolve("node-red/red.js");
const child = spawn(process.execPath, [red, "--userDir", userDir, "--port", String(port)], {
  stdio: ["ignore", "inherit", "inherit"],
});
console.log(`[start] Node-RED (pid ${child.pid}) with ${pkg.name} from ${root}`);
console.log(`[start] editor: http://${host}:${port}/   user dir: ${userDir}`);

const stop = (signal) => {
  if (child.exitCode === null) child.kill(signal);
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
