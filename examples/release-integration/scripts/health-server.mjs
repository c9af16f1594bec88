#!/usr/bin/env node
// A stand-in for the deployed service, so the `health-check` probe has something to reach when
// you try the example locally:   node examples/release-integration/scripts/health-server.mjs
// Serves GET /health -> 200 {"status":"ok"} on 127.0.0.1:8080 (PORT overrides the port).
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8080);
const server = createServer((req, res) => {
  if (req.url === "/health" && (req.method === "GET" || req.method === "HEAD")) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.method === "HEAD" ? undefined : '{"status":"ok"}');
    return;
  }
  res.writeHead(404, { "content-type": "application/json" });
  res.end('{"error":"not found"}');
});
server.listen(port, "127.0.0.1", () => console.log(`health server on http://127.0.0.1:${port}/health`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
