#!/usr/bin/env node
// `npm start`: imports the bundled demo trials (data/demo: ClinicalTrials.gov API v2 JSON,
// legacy XML and five saved registry pages) into a demo database, shows what eligo read
// — the trials, one trial's parsed eligibility, one example patient matched against all
// of them — and serves the web UI and API on http://127.0.0.1:8080 (PORT and HOST to change).
import { spawnSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist/cli/main.js");
const db = process.env.ELIGO_DB ?? join(root, "eligo-demo.db");
const port = process.env.PORT ?? "8080";
const host = process.env.HOST ?? "127.0.0.1";

if (!existsSync(cli)) {
  console.error("eligo is not built yet: run `npm install` (it builds), or `npm run build`.");
  process.exit(1);
}
const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (t) => `\x1b[1m${t}\x1b[0m` : (t) => t;
const eligo = (args, title) => {
  if (title) console.log(`\n${bold(`$ eligo ${args.join(" ")}`)}  — ${title}`);
  const r = spawnSync(process.execPath, [cli, ...args, "--db", db], { stdio: "inherit", cwd: root });
  return r.status ?? 1;
};

const status = eligo(["import", join(root, "data/demo")], "import the demo trials");
if (status !== 0) console.error("(some demo files did not import; see above)");
eligo(["list"], "the trials in the demo database");
const example = join(root, "examples/sclc-fits.json");
if (existsSync(example)) eligo(["match", example, "--status", "all", "--limit", "5"], "an example patient against every trial");
console.log(`\nServing the web UI and API on http://${host}:${port}/  (Ctrl-C to stop)`);
const server = spawn(process.execPath, [cli, "serve", "--db", db, "--port", port, "--host", host], { stdio: "inherit", cwd: root });
server.on("exit", (code) => process.exit(code ?? 0));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
