// Spec reporter plus the plain closing line CI reads: "N passed, N failed[, N skipped]".
const Mocha = require("mocha");

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const s = runner.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : "";
      console.log(`${s.passes} passed, ${s.failures} failed${skipped}`);
    });
  }
}

module.exports = SpecWithSummary;
