// Preloaded into a CLI under test (node --require): appends one line per TCP connect attempt to the
// file named by COUNT_CONNECTS_FILE, so a test can wait for reopens a refused port leaves no trace of.
const { appendFileSync } = require("node:fs");
const { Socket } = require("node:net");

const file = process.env.COUNT_CONNECTS_FILE;
const connect = Socket.prototype.connect;
Socket.prototype.connect = function countedConnect(...args) {
  if (file) appendFileSync(file, "connect\n");
  return connect.apply(this, args);
};
