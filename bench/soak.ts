// `npm run soak [-- --minutes N] [--sample S] [--ports K]` (also `npm run bench -- --soak …`): the
// simulated installation at high speed against a real Node-RED for N minutes (default 10); prints
// memory growth per simulated day. See soak/run-soak.ts.
import { runSoak, soakOptionsFromArgs } from "./soak/run-soak";

runSoak(soakOptionsFromArgs(process.argv.slice(2))).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
