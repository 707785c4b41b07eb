// The reference: the npm `peer` server, as `peerjs --port <port> --path /peerjs --expire_timeout 1000` would start it.
// An error listener keeps the standalone server alive on a frame that is not JSON (it would crash otherwise).
const { PeerServer } = require("peer");
const server = PeerServer(
  { port: Number(process.argv[2]), host: "127.0.0.1", path: "/peerjs", expire_timeout: 1000 },
  () => console.log("listening"),
);
server.on("error", () => {});
