// ESLint for the site's JavaScript (digest/templates/theme/assets/digest/*.js): the
// recommended rules, plus the few that catch this code's likely slips. Plain scripts in
// the browser, no modules, no build step. The packages come from the npm install in
// .ci/run, found through ESLINT_PACKAGES (a folder holding node_modules).
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.ESLINT_PACKAGES || process.cwd(), "noop.js"));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  js.configs.recommended,
  {
    files: ["digest/templates/theme/assets/digest/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, MathJax: "writable", document$: "readonly", PagefindUI: "readonly" },
    },
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-var": "off",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
    },
  },
];
