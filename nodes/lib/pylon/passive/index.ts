// Passive listening on a bus another master polls: pure, no Node-RED, no I/O.
export * from "./bus-pairer";
