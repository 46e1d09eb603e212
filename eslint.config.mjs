import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

// The layout's rules (README "Layout"): LuxPower and PylonTech code never import each other, a
// codec imports no I/O and no higher layer, a link no control or poll code, and nothing cycles.
const forbid = (message, ...group) => ({ group, message });
const NO_PYLON = forbid("LuxPower code never imports PylonTech code", "**/pylon", "**/pylon/**", "**/pylon-*");
const NO_LXP = forbid("PylonTech code never imports LuxPower code", "**/lxp", "**/lxp/**", "**/lxp-*");
const CODEC_IS_PURE = forbid(
  "a codec is pure: no Node-RED, no I/O, no link/control/poll code",
  "node-red", "node:net", "node:dgram", "node:fs", "fs", "net", "dgram", "serialport", "@serialport/*",
  "**/link", "**/link/**", "**/control", "**/control/**", "**/poll", "**/poll/**", "**/common", "**/common/**",
);
const LINK_BELOW_CONTROL = forbid("a link never imports control or poll code", "**/control", "**/control/**", "**/poll", "**/poll/**");
const restrict = (files, ...patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".node-red-dev/**", "test-output/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["**/*.ts"],
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.test.json" })] },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  restrict(["nodes/lib/lxp/**", "sim/lxp/**"], NO_PYLON),
  restrict(["nodes/lib/pylon/**", "sim/pylon/**"], NO_LXP),
  restrict(["nodes/lib/common/**", "sim/common/**"], NO_PYLON, NO_LXP),
  restrict(["nodes/lib/lxp/codec/**"], NO_PYLON, CODEC_IS_PURE),
  restrict(["nodes/lib/pylon/codec/**"], NO_LXP, CODEC_IS_PURE),
  restrict(["nodes/lib/pylon/console/**"], NO_LXP, CODEC_IS_PURE),
  restrict(["nodes/lib/pylon/passive/**"], NO_LXP, CODEC_IS_PURE),
  restrict(["nodes/lib/lxp/link/**"], NO_PYLON, LINK_BELOW_CONTROL),
  restrict(["nodes/lib/pylon/link/**"], NO_LXP, LINK_BELOW_CONTROL),
  {
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
