// One PeerJS-protocol scenario, run against a server: node scenario.js ws://127.0.0.1:<port>/peerjs/peerjs
// Prints, step by step, the HTTP answers and every frame each client received, so two servers can be compared.
// The server must hold messages for 1 s (expire_timeout 1000).
const WebSocket = require("ws");
const base = process.argv[2];
const http = base.replace("ws:", "http:").replace(/\/peerjs$/, "");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = [];

function connect(name, query) {
  const ws = new WebSocket(base + "?" + query);
  const c = { name, ws, got: [], closed: false };
  ws.on("message", (d) => c.got.push(d.toString()));
  ws.on("close", () => (c.closed = true));
  ws.on("error", () => {});
  return new Promise((resolve) => ws.on("open", () => resolve(c)));
}

function show(step, ...clients) {
  for (const c of clients) {
    out.push(`${step} ${c.name}: ${JSON.stringify(c.got)}${c.closed ? " closed" : ""}`);
    c.got = [];
  }
}

async function get(path) {
  const r = await fetch(http + path);
  const type = (r.headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
  const body = await r.text();
  return `${r.status} ${type} ${path.endsWith("/id") ? body.length + " chars" : body}`;
}

const send = (c, message) => c.ws.send(typeof message === "string" ? message : JSON.stringify(message));

(async () => {
  out.push("GET / " + (await get("")));
  out.push("GET /peerjs/id " + (await get("/peerjs/id")));
  out.push("GET /peerjs/peers " + (await get("/peerjs/peers")));

  const noId = await connect("no-id", "key=peerjs&token=t");
  const noKey = await connect("no-key", "id=x&token=t");
  const badKey = await connect("bad-key", "key=other&id=x&token=t");
  await sleep(300);
  show("refused", noId, noKey, badKey);

  const a = await connect("a", "key=peerjs&id=A1&token=ta&version=1.5.5");
  const b = await connect("b", "key=peerjs&id=B1&token=tb&version=1.5.5");
  await sleep(300);
  show("open", a, b);

  send(a, { type: "HEARTBEAT" });
  send(a, { type: "OFFER", src: "spoofed", dst: "B1", payload: { sdp: { type: "offer" }, type: "media", connectionId: "mc_1" }, extra: 1 });
  send(a, { type: "CANDIDATE", dst: "B1", payload: { candidate: { candidate: "c" }, connectionId: "mc_1" } });
  send(a, { type: "LEAVE", dst: "B1" });
  send(a, { type: "EXPIRE", dst: "B1", payload: null });
  send(a, "[1,2]");
  send(a, { type: "JOIN", dst: "B1" });
  send(a, { type: "OFFER", payload: {} });
  send(a, { type: "OPEN", dst: "B1" });
  a.ws.send(Buffer.from(JSON.stringify({ type: "ANSWER", dst: "B1", payload: { binary: true } })));
  send(b, { type: "ANSWER", dst: "A1", payload: { sdp: { type: "answer" } } });
  await sleep(300);
  show("relay", a, b);

  const taken = await connect("taken", "key=peerjs&id=A1&token=other");
  const again = await connect("again", "key=peerjs&id=A1&token=ta");
  await sleep(300);
  send(b, { type: "OFFER", dst: "A1", payload: { n: 1 } });
  await sleep(300);
  show("same-id", a, taken, again, b);

  send(again, { type: "OFFER", dst: "X1", payload: { n: 1 } });
  send(again, { type: "CANDIDATE", dst: "X1", payload: { n: 2 } });
  await sleep(100); // one sender's messages keep their order; two senders' only with time between them
  send(b, { type: "OFFER", dst: "X1", payload: { n: 3 } });
  send(again, { type: "OFFER", dst: "Y1", payload: { n: 4 } });
  send(again, { type: "LEAVE", dst: "Z1" });
  await sleep(300);
  const x = await connect("x", "key=peerjs&id=X1&token=tx");
  await sleep(2500);
  const y = await connect("y", "key=peerjs&id=Y1&token=ty");
  const z = await connect("z", "key=peerjs&id=Z1&token=tz");
  await sleep(300);
  show("held", again, b, x, y, z);

  send(b, { type: "LEAVE" });
  await sleep(300);
  const b2 = await connect("b2", "key=peerjs&id=B1&token=new");
  await sleep(300);
  send(x, { type: "OFFER", dst: "B1", payload: { n: 5 } });
  await sleep(300);
  show("leave-without-dst", b, b2);

  x.ws.close();
  await sleep(300);
  const x2 = await connect("x2", "key=peerjs&id=X1&token=other");
  await sleep(300);
  show("closed", x2);

  console.log(out.join("\n"));
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
