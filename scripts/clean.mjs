// Empties dist/ before a build, so files of renamed or removed sources (and source maps of older
// builds) never reach the package tarball.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
