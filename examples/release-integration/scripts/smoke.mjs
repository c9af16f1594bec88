#!/usr/bin/env node
// Smoke tests for release day: a handful of fast checks that fail loudly.
// Run by the `smoke-tests` check step; prints "smoke: all N checks passed" and exits 0 on
// success, prints the failures and exits 1 otherwise.
//
// Without SMOKE_BASE_URL it checks the runtime and a local HTTP round-trip (so the example runs
// anywhere). With SMOKE_BASE_URL=http://host:port it also checks the deployed service.
import { once } from "node:events";
import { createServer } from "node:http";

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check("node runtime is 20 or newer", () => {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) throw new Error(`node ${process.versions.node}`);
});

check("local HTTP round-trip answers within 2 s", async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const { port } = server.address();
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    const body = await response.json();
    if (response.status !== 200 || body.status !== "ok")
      throw new Error(`got ${response.status} ${JSON.stringify(body)}`);
  } finally {
    server.close();
  }
});

const base = process.env.SMOKE_BASE_URL;
if (base) {
  check(`${base}/health reports ok`, async () => {
    const response = await fetch(new URL("/health", base), { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    const body = await response.text();
    if (!body.includes('"ok"')) throw new Error(`body ${body.slice(0, 200)}`);
  });
}

let failed = 0;
for (const { name, fn } of checks) {
  const started = performance.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (failed > 0) {
  console.log(`smoke: ${failed} of ${checks.length} checks failed`);
  process.exit(1);
}
console.log(`smoke: all ${checks.length} checks passed`);
