// The package's main: the LuxPower and PylonTech codecs for function nodes and other programs
// (README "Codec API"). The Node-RED nodes are loaded from package.json's "node-red" section.
export * as lxp from "./nodes/lib/lxp/codec/api";
export * as pylon from "./nodes/lib/pylon/codec/api";
