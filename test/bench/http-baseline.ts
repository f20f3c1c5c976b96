// Scenario 5's baseline: a trivial Node http server (read the JSON body, answer 201 with a
// small JSON), in its own process like the web app. Reports its port over IPC.
import { randomUUID } from "node:crypto";
import http from "node:http";

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let items = 0;
    try {
      items = JSON.parse(Buffer.concat(chunks).toString("utf8"))?.input?.items?.length ?? 0;
    } catch {
      /* still answer */
    }
    const body = JSON.stringify({ id: randomUUID(), status: "queued", progress: { total: items } });
    res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.send?.({ type: "ready", port: typeof addr === "object" && addr ? addr.port : 0 });
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop);
