// The benchmark peer: the Neo4j GraphQL Library serving typeDefs.graphql over
// the Neo4j database c2c's Neo4j store wrote, on plain node:http so that no
// framework overhead is added to the library's own.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 PORT=4000 node server.js
//
// POST /graphql {query, variables} answers as any GraphQL server does;
// GET /healthz answers "ok" once the schema is built.
import { readFileSync } from "node:fs";
import http from "node:http";
import { graphql } from "graphql";
import neo4j from "neo4j-driver";
import { Neo4jGraphQL } from "@neo4j/graphql";

const uri = process.env.NEO4J_URI || "bolt://127.0.0.1:7687";
const user = process.env.NEO4J_USERNAME || "";
const port = Number(process.env.PORT || 4000);
const host = process.env.HOST || "127.0.0.1";

const auth = user ? neo4j.auth.basic(user, process.env.NEO4J_PASSWORD || "") : undefined;
const driver = neo4j.driver(uri, auth, { maxConnectionPoolSize: 100 });
const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  if (req.method !== "POST" || !req.url.startsWith("/graphql")) {
    send(res, 404, { errors: [{ message: "POST /graphql" }] });
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      send(res, 400, { errors: [{ message: "body is not JSON" }] });
      return;
    }
    try {
      const result = await graphql({
        schema,
        source: body.query,
        variableValues: body.variables,
        operationName: body.operationName,
        contextValue: { executionContext: driver },
      });
      send(res, 200, result);
    } catch (err) {
      send(res, 500, { errors: [{ message: String(err && err.message) }] });
    }
  });
});
server.keepAliveTimeout = 120_000;
server.listen(port, host, () => console.log(`peer listening on http://${host}:${port}/graphql (neo4j ${uri})`));

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    server.close();
    await driver.close();
    process.exit(0);
  });
}
