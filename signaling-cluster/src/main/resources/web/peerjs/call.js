// A minimal PeerJS app, pointed at the GreenMesh node that served this page: the one-line change a PeerJS app makes
// is its Peer options { host, port, path }. State goes to window.peerjsTest for the browser tests.
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  const state = {
    id: params.get("id"),
    target: params.get("call"),
    open: false,
    errors: [],
    log: [],
    data: { open: false, received: [] },
    media: { remoteStream: false, framesDecoded: 0, connectionState: null },
  };
  window.peerjsTest = state;

  function log(line) {
    state.log.push(line);
    document.getElementById("log").textContent += line + "\n";
  }

  function status(text) {
    document.getElementById("status").textContent = text;
  }

  function watchData(conn) {
    conn.on("open", () => {
      state.data.open = true;
      log("data connection open with " + conn.peer);
      if (state.target) {
        conn.send("hello from " + state.id);
      }
    });
    conn.on("data", (d) => {
      state.data.received.push(d);
      log("data from " + conn.peer + ": " + JSON.stringify(d));
      if (!state.target) {
        conn.send("echo: " + d);
      }
    });
    conn.on("error", (e) => state.errors.push("data: " + e.type + ": " + e.message));
  }

  function watchCall(call) {
    call.on("stream", (stream) => {
      state.media.remoteStream = true;
      document.getElementById("remote").srcObject = stream;
      log("remote stream from " + call.peer);
    });
    call.on("error", (e) => state.errors.push("media: " + e.type + ": " + e.message));
    const timer = setInterval(async () => {
      const pc = call.peerConnection;
      if (!pc) {
        return;
      }
      state.media.connectionState = pc.connectionState;
      const stats = await pc.getStats();
      stats.forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "video") {
          state.media.framesDecoded = r.framesDecoded || 0;
        }
      });
    }, 500);
    call.on("close", () => clearInterval(timer));
  }

  async function main() {
    // ICE servers from GreenMesh itself (STUN, TURN with fresh credentials), not PeerJS's public defaults.
    let iceServers = [];
    try {
      iceServers = (await (await fetch("/v1/ice-servers")).json()).iceServers || [];
    } catch (e) {
      log("no ICE servers: " + e);
    }
    const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    document.getElementById("local").srcObject = local;

    const peer = new Peer(state.id || undefined, {
      host: location.hostname,
      port: Number(location.port) || (location.protocol === "https:" ? 443 : 80),
      path: params.get("path") || "/peerjs",
      key: params.get("key") || "peerjs",
      secure: location.protocol === "https:",
      config: { iceServers },
    });
    window.peerjsPeer = peer;
    peer.on("open", (id) => {
      state.open = true;
      state.id = id;
      status("registered as " + id);
      log("open: " + id);
      if (state.target) {
        watchData(peer.connect(state.target, { reliable: true }));
        watchCall(peer.call(state.target, local));
      }
    });
    peer.on("connection", watchData);
    peer.on("call", (call) => {
      call.answer(local);
      watchCall(call);
    });
    peer.on("error", (e) => {
      state.errors.push(e.type + ": " + e.message);
      log("error: " + e.type + ": " + e.message);
    });
    peer.on("disconnected", () => log("disconnected from the server"));
  }

  main().catch((e) => {
    state.errors.push("page: " + e);
    status("failed: " + e);
  });
})();
