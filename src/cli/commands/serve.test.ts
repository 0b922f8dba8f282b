import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { corsOption } from "./serve.js";

const ROOT = new URL("../../../", import.meta.url).pathname;

test("--cors: bare or * for any origin, else a list of origins", () => {
  assert.equal(corsOption(undefined), undefined);
  assert.equal(corsOption(true), true);
  assert.equal(corsOption("*"), true);
  assert.deepEqual(corsOption("https://a.example, http://localhost:3000"), ["https://a.example", "http://localhost:3000"]);
  assert.throws(() => corsOption("a.example"), /not an origin/);
});

/** Runs `eligo serve` and resolves with the address it prints. */
function serve(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], { cwd: ROOT, env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  let out = "";
  let err = "";
  const address = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, address, stderr: () => err };
}

test("eligo serve answers the API on the port it prints, read-only unless given a token", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eligo-serve-"));
  const s = serve(["--db", path.join(dir, "e.db"), "--port", "0"]);
  try {
    const base = await s.address;
    const health = (await (await fetch(`${base}/healthz`)).json()) as { ok: boolean; studies: number };
    assert.equal(health.ok, true);
    assert.equal(health.studies, 0);
    const r = await fetch(`${base}/api/studies?phase=PHASE9`);
    assert.equal(r.status, 400);
    assert.equal((await fetch(`${base}/api/import`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).status, 404);
  } finally {
    s.child.kill("SIGTERM");
    await new Promise((r) => s.child.once("exit", r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("eligo serve refuses bad options with a clear message", async () => {
  for (const [args, msg] of [
    [["--port", "70000"], /--port "70000" is not a port number/],
    [["--admin-token", "short"], /at least 16 characters/],
    [["--cors", "nope"], /not an origin/],
  ] as const) {
    const s = serve([...args, "--db", path.join(os.tmpdir(), "eligo-serve-never.db")]);
    await assert.rejects(s.address, msg);
  }
});
