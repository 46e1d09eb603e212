// Node-RED looks for a node's .html, locales/ and icons/ only beside its .js file, so the build
// copies them next to the compiled nodes in dist/nodes.
import { cpSync, existsSync, mkdirSync, readdirSync, chmodSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist", "nodes");
mkdirSync(out, { recursive: true });

for (const file of readdirSync(join(root, "nodes"))) {
  if (file.endsWith(".html")) cpSync(join(root, "nodes", file), join(out, file));
}
if (existsSync(join(root, "nodes", "locales"))) {
  cpSync(join(root, "nodes", "locales"), join(out, "locales"), { recursive: true });
}
cpSync(join(root, "icons"), join(out, "icons"), { recursive: true });

const cli = join(root, "dist", "bin", "lxp-pylon.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
