// GreenMesh browser client for signaling protocol v1 (docs/protocol.md is the contract).
//
//   import { GreenMeshClient } from '/client/greenmesh.js';
//   const call = new GreenMeshClient({ url: 'wss://host/v1/ws', room: 'standup', displayName: 'Ada', localStream });
//   call.addEventListener('stream', (e) => show(e.detail.peerId, e.detail.stream));
//   await call.join();
//
// No dependencies and no use of `window` or `document`: it runs in any page or worker that has WebSocket and
// RTCPeerConnection (both can be injected through the options).

export const PROTOCOL_VERSION = 1;

const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay']);
const OUTBOX_LIMIT = 256;
// How long a link is connected before a TURN/TCP selection is questioned: long enough for libwebrtc to have moved to a
// UDP relay pair that was already writable (it switches to a higher-priority pair by itself).
const RELAY_UPGRADE_DELAY_MS = 2000;

const DEFAULTS = Object.freeze({
  iceTransportPolicy: 'all',
  statsIntervalMs: 5000,
  pingIntervalMs: 20000,
  reconnectBaseDelayMs: 500,
  reconnectMaxDelayMs: 10000,
  reconnectMaxAttempts: 12,
  joinTimeoutMs: 15000,
});

/** An event whose payload is `event.detail`, without relying on CustomEvent. */
export class GreenMeshEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

/** Error raised by join() when the server refuses it; `code` is the protocol error code. */
export class GreenMeshError extends Error {
  constructor(code, message, ref) {
    super(message || code);
    this.name = 'GreenMeshError';
    this.code = code;
    this.ref = ref;
  }
}

/**
 * One mesh call in one room.
 *
 * Events (payload in `event.detail`): welcome, peer-joined, peer-left, track, stream, connection-state, path,
 * relay-upgrade (a relay/TCP link probes UDP once), ice-candidate-error (a STUN/TURN server did not give a
 * candidate: url, errorCode, errorText), carbon-report, broadcast, report (a traffic report was sent), error,
 * reconnecting, resumed, closed, state.
 */
export class GreenMeshClient extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.url WebSocket URL of a node, e.g. `wss://meet.example/v1/ws`.
   * @param {string} options.room room name, 1–64 of [A-Za-z0-9_-].
   * @param {string} [options.displayName]
   * @param {string} [options.token] join token, where the node requires one.
   * @param {'all'|'relay'} [options.iceTransportPolicy]
   * @param {MediaStream} [options.localStream] tracks sent to every peer; without it the client only receives.
   */
  constructor(options = {}) {
    super();
    if (!options.url) throw new TypeError('GreenMeshClient: options.url is required');
    if (!options.room) throw new TypeError('GreenMeshClient: options.room is required');
    this.options = { ...DEFAULTS, ...options };
    this._WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this._RTCPeerConnection = options.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    this.localStream = options.localStream ?? null;

    this.peerId = null;
    this.sessionToken = null;
    this.iceServers = [];
    this.state = 'idle'; // idle | connecting | joined | reconnecting | left | closed

    this._ws = null;
    this._peers = new Map(); // peerId -> Peer
    this._departed = new Set(); // peers the server said left: a late signal from one must not bring it back
    this._outbox = [];
    this._pending = null; // {kind: 'join'|'resume', resolve, reject, timer}
    this._reconnectAttempt = 0;
    this._reconnectTimer = null;
    this._pingTimer = null;
    this._statsTimer = null;
    this._reportSoonTimer = null;
    this._lastHeardAt = 0;
    this._lastSeq = 0; // highest `seq` of a signal/broadcast received in this session
  }

  // ---------------------------------------------------------------- public API

  get room() {
    return this.options.room;
  }

  /** Joins the room; resolves with the welcome message, rejects with a GreenMeshError. */
  join() {
    if (this.state === 'joined' || this.state === 'connecting' || this.state === 'reconnecting') {
      return Promise.reject(new GreenMeshError('bad-request', 'already joined or joining', 'join'));
    }
    this._setState('connecting');
    return new Promise((resolve, reject) => {
      this._expect('join', resolve, reject);
      this._withSocket(() => this._sendJoin());
    });
  }

  /** Reports traffic one last time, leaves the room and hangs up; the socket stays open for a later join(). */
  async leave() {
    if (this.state !== 'joined' && this.state !== 'reconnecting') return;
    const wasJoined = this.state === 'joined';
    this._stopStatsTimer();
    if (wasJoined) {
      await this._reportStats().catch(() => {});
      this._send({ type: 'leave' });
    }
    this._hangUpAll();
    this._outbox = [];
    this.sessionToken = null;
    this._cancelReconnect();
    this._setState('left');
  }

  /**
   * Drops the signaling connection and resumes the session on a new one, e.g. after the network changed.
   * Media is not interrupted: peer connections do not depend on the signaling socket.
   */
  reconnect() {
    if (this.state === 'joined') this._onSocketLost('reconnect requested');
  }

  /**
   * Restarts ICE with every peer (fresh candidates, e.g. after the network changed): each connection renegotiates
   * through perfect negotiation, so both sides may call it at once.
   */
  restartIce() {
    for (const peer of this._peers.values()) peer.pc?.restartIce();
  }

  /**
   * Leaves at once and closes the connection for good. Synchronous, so that a page can call it on `pagehide`
   * (the others see the peer leave instead of waiting out the resume grace period); unlike leave(), it sends no
   * last traffic report, since gathering one takes a promise the page may not live to see.
   */
  close() {
    if (this.state === 'closed') return;
    if (this.state === 'joined') this._send({ type: 'leave' });
    this._hangUpAll();
    this._outbox = [];
    this.sessionToken = null;
    this._shutdown('client closed');
  }

  /** The other members of the room as this client knows them. */
  peers() {
    return [...this._peers.values()].map((p) => ({
      peerId: p.peerId,
      displayName: p.displayName,
      connectionState: p.pc ? p.pc.connectionState : 'new',
      path: p.path,
      polite: p.polite,
    }));
  }

  /** Per remote peer: connection state, selected candidate pair, bytes and decoded frames. */
  async stats() {
    const results = [];
    for (const peer of this._peers.values()) {
      results.push(await peerStats(peer));
    }
    return results;
  }

  /** Swaps the local media for every peer (e.g. a new camera); adds senders and renegotiates where needed. */
  setLocalStream(stream) {
    this.localStream = stream;
    for (const peer of this._peers.values()) {
      if (!peer.pc || !peer.tracksAttached) continue; // not answered yet: the new stream is used then
      for (const track of stream ? stream.getTracks() : []) {
        const transceiver = peer.pc.getTransceivers().find((t) => !t.stopped
          && t.receiver.track.kind === track.kind && (!t.sender.track || t.sender.track.kind === track.kind));
        if (!transceiver) {
          peer.pc.addTrack(track, stream); // negotiationneeded → perfect negotiation
          continue;
        }
        transceiver.sender.replaceTrack(track).catch((err) => this._emitError('media', err.message, peer.peerId));
        transceiver.sender.setStreams?.(stream);
        if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
        else if (transceiver.direction === 'inactive') transceiver.direction = 'sendonly';
      }
    }
  }

  /** Sends opaque `data` to every other peer (e.g. chat). */
  broadcast(data) {
    this._send({ type: 'broadcast', data }, { queue: true });
  }

  // ---------------------------------------------------------------- signaling socket

  _withSocket(onOpen) {
    const ws = this._ws;
    if (ws && ws.readyState === 1) {
      onOpen();
      return;
    }
    if (ws && ws.readyState === 0) {
      ws.addEventListener('open', onOpen, { once: true });
      return;
    }
    this._openSocket(onOpen);
  }

  _openSocket(onOpen) {
    let ws;
    try {
      ws = new this._WebSocket(this.options.url);
    } catch (err) {
      this._onSocketLost(`cannot open socket: ${err.message}`);
      return;
    }
    this._ws = ws;
    ws.addEventListener('open', () => {
      if (this._ws !== ws) return;
      this._lastHeardAt = Date.now();
      this._startPing();
      onOpen();
    });
    ws.addEventListener('message', (e) => {
      if (this._ws !== ws) return;
      this._lastHeardAt = Date.now();
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return;
      }
      if (msg && typeof msg === 'object') this._onMessage(msg);
    });
    ws.addEventListener('close', (e) => {
      if (this._ws !== ws) return;
      this._onSocketLost(`socket closed (${e.code}${e.reason ? ` ${e.reason}` : ''})`);
    });
  }

  /** Forgets the current socket (already closed or presumed dead) and reconnects if a session needs it. */
  _onSocketLost(reason) {
    const ws = this._ws;
    this._ws = null;
    this._stopPing();
    if (ws) {
      try {
        ws.close();
      } catch {
        // already closing
      }
    }
    if (this.state === 'joined' || this.state === 'reconnecting') {
      this._scheduleReconnect(reason);
    } else if (this.state === 'connecting') {
      this._settle('join', null, new GreenMeshError('internal', reason, 'join'));
      this._setState('idle');
    }
  }

  _scheduleReconnect(reason) {
    if (this._reconnectTimer) return;
    this._reconnectAttempt += 1;
    const { reconnectBaseDelayMs, reconnectMaxDelayMs, reconnectMaxAttempts } = this.options;
    if (this._reconnectAttempt > reconnectMaxAttempts) {
      this._hangUpAll();
      this._shutdown(`gave up reconnecting: ${reason}`);
      return;
    }
    const ceiling = Math.min(reconnectMaxDelayMs, reconnectBaseDelayMs * 2 ** (this._reconnectAttempt - 1));
    const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this._setState('reconnecting');
    this._emit('reconnecting', { attempt: this._reconnectAttempt, delayMs, reason });
    this._reconnectTimer = setTimeout(() => {
      this._reconnectTimer = null;
      this._openSocket(() => {
        if (this.sessionToken) {
          this._expect('resume', () => {}, () => {});
          // lastSeq: the server sends again whatever came after it (a dying socket may have swallowed it).
          this._send({ type: 'resume', sessionToken: this.sessionToken, lastSeq: this._lastSeq });
        } else {
          this._expect('join', () => {}, () => {});
          this._sendJoin();
        }
      });
    }, delayMs);
  }

  _cancelReconnect() {
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._reconnectAttempt = 0;
  }

  _startPing() {
    this._stopPing();
    const interval = this.options.pingIntervalMs;
    this._pingTimer = setInterval(() => {
      // Nothing heard for two pings: the connection is dead even if the socket has not noticed yet.
      if (Date.now() - this._lastHeardAt > 2 * interval + 5000) {
        this._onSocketLost('no pong from the server');
        return;
      }
      this._send({ type: 'ping' });
    }, interval);
  }

  _stopPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = null;
  }

  _sendJoin() {
    const { room, displayName, token } = this.options;
    this._send({ type: 'join', room, displayName, token });
  }

  /** Sends a message now; with `queue`, holds it while the signaling connection is down. */
  _send(msg, { queue = false } = {}) {
    const ws = this._ws;
    if (ws && ws.readyState === 1 && (this.state === 'joined' || !queue)) {
      ws.send(JSON.stringify(msg));
      return true;
    }
    if (queue && this.state === 'reconnecting') {
      if (this._outbox.length >= OUTBOX_LIMIT) this._outbox.shift();
      this._outbox.push(msg);
    }
    return false;
  }

  _flushOutbox() {
    const queued = this._outbox;
    this._outbox = [];
    for (const msg of queued) this._send(msg, { queue: true });
  }

  _expect(kind, resolve, reject) {
    this._settle(null, null, null);
    const timer = setTimeout(() => {
      this._settle(kind, null, new GreenMeshError('internal', `no answer to ${kind}`, kind));
      if (kind === 'join' && this.state === 'connecting') this._setState('idle');
      else this._onSocketLost(`no answer to ${kind}`);
    }, this.options.joinTimeoutMs);
    this._pending = { kind, resolve, reject, timer };
  }

  /** Completes the pending join/resume (kind null: drop whatever is pending). */
  _settle(kind, value, error) {
    const pending = this._pending;
    if (!pending || (kind && pending.kind !== kind)) return false;
    this._pending = null;
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else if (kind) pending.resolve(value);
    return true;
  }

  _shutdown(reason) {
    this._cancelReconnect();
    this._stopPing();
    this._stopStatsTimer();
    this._settle(null, null, null);
    const ws = this._ws;
    this._ws = null;
    if (ws) ws.close(1000, 'bye');
    this._setState('closed');
    this._emit('closed', { reason });
  }

  // ---------------------------------------------------------------- server messages

  _onMessage(msg) {
    switch (msg.type) {
      case 'welcome':
        this._onWelcome(msg);
        break;
      case 'peer-joined':
        if (this.state !== 'joined') break;
        this._departed.delete(msg.peerId);
        this._peer(msg.peerId, msg.displayName);
        this._emit('peer-joined', { peerId: msg.peerId, displayName: msg.displayName });
        break;
      case 'peer-left':
        if (this._departed.size >= 1024) this._departed.clear();
        this._departed.add(msg.peerId);
        this._removePeer(msg.peerId, { finalReport: true });
        break;
      case 'signal':
        if (this._isNew(msg.seq)) this._onSignal(msg.from, msg.data);
        break;
      case 'broadcast':
        if (this._isNew(msg.seq)) this._emit('broadcast', { from: msg.from, data: msg.data });
        break;
      case 'carbon-report': {
        const { type, ...report } = msg;
        this._emit('carbon-report', report);
        break;
      }
      case 'error':
        this._onError(msg);
        break;
      default:
        break; // pong, and whatever a newer server may send
    }
  }

  /** False for a signal/broadcast already handled (the server replays after `lastSeq` on resume). */
  _isNew(seq) {
    if (typeof seq !== 'number') return true; // a server that does not number them
    if (seq <= this._lastSeq) return false;
    this._lastSeq = seq;
    return true;
  }

  _onWelcome(msg) {
    const resumed = msg.resumed === true && msg.peerId === this.peerId;
    this.peerId = msg.peerId;
    this.sessionToken = msg.sessionToken;
    this.iceServers = Array.isArray(msg.iceServers) ? msg.iceServers : [];
    this._reconnectAttempt = 0;
    const others = Array.isArray(msg.peers) ? msg.peers : [];
    this._setState('joined');

    if (resumed) {
      // Peer connections stayed up; bring the peer list in line with the room and send what waited.
      const present = new Set(others.map((p) => p.peerId));
      for (const id of [...this._peers.keys()]) {
        if (present.has(id)) continue;
        this._departed.add(id);
        this._removePeer(id);
      }
      for (const p of others) this._peer(p.peerId, p.displayName);
      for (const peer of this._peers.values()) {
        if (peer.pc) {
          try {
            peer.pc.setConfiguration({ ...peer.pc.getConfiguration(), iceServers: this.iceServers });
          } catch {
            // a browser that cannot change ICE servers keeps the old ones
          }
          if (peer.pc.connectionState === 'failed') peer.pc.restartIce();
        }
      }
      this._flushOutbox();
      this._settle('resume', msg, null);
      this._emit('resumed', { peerId: msg.peerId, peers: others });
    } else {
      this._hangUpAll();
      this._outbox = [];
      this._lastSeq = 0;
      this._departed.clear();
      this._settle('join', msg, null);
      this._emit('welcome', {
        peerId: msg.peerId, room: msg.room, peers: others, iceServers: this.iceServers, resumed: false,
      });
      // The newcomer offers to everyone already in the room.
      for (const p of others) {
        const peer = this._peer(p.peerId, p.displayName);
        this._emit('peer-joined', { peerId: peer.peerId, displayName: peer.displayName, present: true });
        this._connect(peer, { offer: true });
      }
    }
    this._startStatsTimer();
  }

  _onError(msg) {
    const detail = { code: msg.code, message: msg.message, ref: msg.ref };
    const pendingKind = this._pending?.kind;
    if (pendingKind && (msg.ref === pendingKind || msg.ref === undefined)) {
      if (pendingKind === 'resume' && (msg.code === 'unauthorized' || msg.code === 'bad-request')) {
        // The session is gone (grace period over): the others saw us leave, so join again as a newcomer.
        this._settle('resume', null, new GreenMeshError(msg.code, msg.message, 'resume'));
        this._hangUpAll();
        this.sessionToken = null;
        this._emit('error', detail);
        this._expect('join', () => {}, () => {});
        this._sendJoin();
        return;
      }
      if (pendingKind === 'join') {
        this._settle('join', null, new GreenMeshError(msg.code, msg.message, msg.ref));
        if (this.state === 'connecting') this._setState('idle');
        if (this.state === 'reconnecting') {
          this._emit('error', detail);
          this._shutdown(`could not join again: ${msg.code}`); // e.g. the room filled up meanwhile
          return;
        }
      } else if (msg.code === 'internal') {
        // The room did not answer in time: safe to retry on a fresh connection.
        this._settle('resume', null, new GreenMeshError(msg.code, msg.message, 'resume'));
        this._emit('error', detail);
        this._onSocketLost(`resume failed: ${msg.message}`);
        return;
      }
    } else if (msg.code === 'internal' && msg.ref === 'resume') {
      // Resumed, but signals held for us overflowed and some were lost: renegotiate every connection.
      this.restartIce();
    }
    this._emit('error', detail);
  }

  // ---------------------------------------------------------------- peers and perfect negotiation

  _peer(peerId, displayName) {
    let peer = this._peers.get(peerId);
    if (!peer) {
      peer = {
        peerId,
        displayName: displayName ?? 'guest',
        pc: null,
        // The peer whose id compares greater is polite (docs/protocol.md, "Who offers to whom").
        polite: this.peerId > peerId,
        makingOffer: false,
        ignoreOffer: false,
        isSettingRemoteAnswerPending: false,
        tracksAttached: false,
        relayUpgradeTried: false, // see _upgradeRelay
        pendingCandidates: [],
        inbox: Promise.resolve(),
        stream: null,
        statsChain: Promise.resolve(),
        counters: new Map(), // cumulative stats counters kept monotonic, see monotonic()
        path: null,
        pathInfo: null,
      };
      this._peers.set(peerId, peer);
    } else if (displayName !== undefined) {
      peer.displayName = displayName;
    }
    return peer;
  }

  /**
   * Forgets a peer and hangs up on it. With `finalReport` (the peer left), first reports what was sent to it since
   * the last report: the server keeps an ended call open a moment for exactly this.
   */
  _removePeer(peerId, { finalReport = false } = {}) {
    const peer = this._peers.get(peerId);
    if (!peer) return;
    this._peers.delete(peerId);
    if (finalReport && peer.pc && this.state === 'joined') {
      this._reportPeers([peer]).catch(() => {}).finally(() => closePc(peer));
    } else {
      closePc(peer);
    }
    this._emit('peer-left', { peerId, displayName: peer.displayName });
  }

  _hangUpAll() {
    for (const peerId of [...this._peers.keys()]) this._removePeer(peerId);
  }

  /** Creates the peer connection; with `offer`, adds the local tracks at once so negotiationneeded offers. */
  _connect(peer, { offer }) {
    if (peer.pc) return peer.pc;
    const pc = new this._RTCPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: this.options.iceTransportPolicy,
    });
    peer.pc = pc;

    pc.addEventListener('negotiationneeded', async () => {
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        this._signal(peer, { description: pc.localDescription.toJSON() });
      } catch (err) {
        this._emitError('negotiation', err.message, peer.peerId);
      } finally {
        peer.makingOffer = false;
      }
    });
    pc.addEventListener('icecandidate', ({ candidate }) => {
      this._signal(peer, { candidate: candidate ? candidate.toJSON() : null });
    });
    // What a TURN server answered instead of an allocation (401/486/...; 701: no answer): the one place a refused or
    // unreachable relay shows, since gathering itself just yields fewer candidates.
    pc.addEventListener('icecandidateerror', (e) => {
      this._emit('ice-candidate-error', {
        peerId: peer.peerId, url: e.url, errorCode: e.errorCode, errorText: e.errorText, address: e.address,
        port: e.port,
      });
    });
    pc.addEventListener('track', ({ track, streams }) => {
      let stream = streams[0];
      if (!stream) {
        stream = peer.stream ?? new MediaStream();
        stream.addTrack(track);
      }
      const isNew = peer.stream !== stream;
      peer.stream = stream;
      this._emit('track', { peerId: peer.peerId, track, streams, stream });
      if (isNew) this._emit('stream', { peerId: peer.peerId, stream });
    });
    pc.addEventListener('connectionstatechange', () => {
      if (peer.pc !== pc) return;
      const state = pc.connectionState;
      this._emit('connection-state', { peerId: peer.peerId, state });
      if (state === 'connected') {
        this._refreshPath(peer);
        setTimeout(() => this._refreshPath(peer), 1000);
        setTimeout(() => this._upgradeRelay(peer, pc).catch(() => {}), RELAY_UPGRADE_DELAY_MS);
        // The server counts from a link's first report on: report as soon as it is up.
        this._reportSoon();
      } else if (state === 'failed') {
        pc.restartIce(); // renegotiates through perfect negotiation, with fresh ICE credentials
      }
    });

    if (offer) this._attachLocalTracks(peer);
    return pc;
  }

  _attachLocalTracks(peer) {
    if (peer.tracksAttached) return;
    peer.tracksAttached = true;
    const pc = peer.pc;
    const tracks = this.localStream ? this.localStream.getTracks() : [];
    // addTrack after an offer was applied reuses its transceivers, so answering needs no second round.
    for (const track of tracks) pc.addTrack(track, this.localStream);
    if (pc.getTransceivers().length === 0) {
      // Nothing to send: still ask to receive audio and video.
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    }
  }

  _signal(peer, data) {
    if (this._peers.get(peer.peerId) !== peer) return;
    this._send({ type: 'signal', to: peer.peerId, data }, { queue: true });
  }

  _onSignal(from, data) {
    if (this.state !== 'joined' || typeof from !== 'string' || !data || typeof data !== 'object') return;
    if (this._departed.has(from)) return;
    const peer = this._peer(from);
    // One signal at a time per peer, in arrival order (the server keeps order per sender).
    peer.inbox = peer.inbox
      .then(() => this._handleSignal(peer, data))
      .catch((err) => this._emitError('negotiation', err.message, from));
  }

  async _handleSignal(peer, { description, candidate }) {
    if (this._peers.get(peer.peerId) !== peer) return;
    // Peers already in the room connect lazily, when the newcomer's first signal arrives.
    const pc = this._connect(peer, { offer: false });
    if (description) {
      const readyForOffer = !peer.makingOffer
        && (pc.signalingState === 'stable' || peer.isSettingRemoteAnswerPending);
      const offerCollision = description.type === 'offer' && !readyForOffer;
      peer.ignoreOffer = !peer.polite && offerCollision;
      if (peer.ignoreOffer) return; // impolite: our own offer wins
      // Polite on glare: setRemoteDescription(offer) rolls our pending offer back first (implicit rollback).
      peer.isSettingRemoteAnswerPending = description.type === 'answer';
      await pc.setRemoteDescription(description);
      peer.isSettingRemoteAnswerPending = false;
      if (description.type === 'offer') {
        this._attachLocalTracks(peer);
        await pc.setLocalDescription();
        this._signal(peer, { description: pc.localDescription.toJSON() });
      }
      const early = peer.pendingCandidates;
      peer.pendingCandidates = [];
      for (const c of early) await this._addCandidate(peer, c);
    } else if (candidate !== undefined) {
      if (!pc.remoteDescription) {
        peer.pendingCandidates.push(candidate);
        return;
      }
      await this._addCandidate(peer, candidate);
    }
  }

  async _addCandidate(peer, candidate) {
    try {
      // null is end-of-candidates; addIceCandidate() without argument says the same to the browser.
      await (candidate ? peer.pc.addIceCandidate(candidate) : peer.pc.addIceCandidate());
    } catch (err) {
      if (!peer.ignoreOffer && candidate) throw err; // candidates of an ignored offer are expected to fail
    }
  }

  // ---------------------------------------------------------------- stats, path and traffic reports

  /**
   * TURN over TCP (or TLS) is the fallback for networks that block UDP, but libwebrtc also ends up there when its UDP
   * allocation lost a race or its port was pruned (seen on fast links where the TCP allocation answers first), and
   * then stays: it never probes UDP again. A link that settled on a TCP relay while a UDP TURN URL is offered gets one
   * ICE restart, which gathers afresh and keeps media on the old pair until a new one works; where UDP really is
   * blocked it settles on TCP again and is not restarted twice.
   */
  async _upgradeRelay(peer, pc) {
    if (peer.pc !== pc || peer.relayUpgradeTried || this._peers.get(peer.peerId) !== peer) return;
    if (pc.connectionState !== 'connected' || !this._offersUdpRelay()) return;
    const s = await peerStats(peer);
    if (s.localCandidateType !== 'relay' || (s.relayProtocol !== 'tcp' && s.relayProtocol !== 'tls')) return;
    peer.relayUpgradeTried = true;
    this._emit('relay-upgrade', { peerId: peer.peerId, relayProtocol: s.relayProtocol });
    pc.restartIce();
  }

  /** Whether the ICE servers include a TURN URL over UDP (`turn:` without `transport=`, or with `transport=udp`). */
  _offersUdpRelay() {
    return (this.iceServers ?? []).some((server) => [].concat(server.urls ?? []).some((url) =>
      typeof url === 'string' && url.startsWith('turn:') && !/[?&]transport=(?!udp\b)/i.test(url)));
  }

  async _refreshPath(peer, known) {
    if (!peer.pc || this._peers.get(peer.peerId) !== peer) return;
    const s = known ?? await peerStats(peer);
    if (!s.localCandidateType) return;
    const key = `${s.path}|${s.localCandidateType}|${s.remoteCandidateType}`;
    if (peer.pathInfo === key) return;
    peer.pathInfo = key;
    peer.path = s.path;
    this._emit('path', {
      peerId: peer.peerId,
      path: s.path,
      localCandidateType: s.localCandidateType,
      remoteCandidateType: s.remoteCandidateType,
    });
  }

  _startStatsTimer() {
    this._stopStatsTimer();
    this._statsTimer = setInterval(() => {
      this._reportStats().catch(() => {});
    }, this.options.statsIntervalMs);
  }

  _stopStatsTimer() {
    clearInterval(this._statsTimer);
    this._statsTimer = null;
    clearTimeout(this._reportSoonTimer);
    this._reportSoonTimer = null;
  }

  /** One extra report shortly (links that connect together share it). */
  _reportSoon() {
    if (this._reportSoonTimer) return;
    this._reportSoonTimer = setTimeout(() => {
      this._reportSoonTimer = null;
      this._reportStats().catch(() => {});
    }, 500);
  }

  /** Sends the `stats` traffic report: per connected peer, the selected pair's types and bytes sent. */
  _reportStats() {
    return this._reportPeers([...this._peers.values()]);
  }

  async _reportPeers(list) {
    if (this.state !== 'joined') return;
    const peers = [];
    for (const peer of list) {
      if (!peer.pc) continue;
      const s = await peerStats(peer);
      this._refreshPath(peer, s);
      if (!CANDIDATE_TYPES.has(s.localCandidateType) || !CANDIDATE_TYPES.has(s.remoteCandidateType)) continue;
      peers.push({
        peerId: peer.peerId,
        localCandidateType: s.localCandidateType,
        remoteCandidateType: s.remoteCandidateType,
        bytesSent: s.bytesSent,
      });
    }
    if (peers.length > 0 && this.state === 'joined' && this._send({ type: 'stats', peers })) {
      this._emit('report', { peers });
    }
  }

  // ---------------------------------------------------------------- events

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit('state', { state });
  }

  _emit(type, detail) {
    this.dispatchEvent(new GreenMeshEvent(type, detail));
  }

  _emitError(code, message, peerId) {
    this._emit('error', { code, message, peerId, local: true });
  }
}

// ------------------------------------------------------------------ helpers (no client state)

function closePc(peer) {
  const pc = peer.pc;
  peer.pc = null;
  if (pc) pc.close();
}

/** Reads one peer connection's stats into the shape stats() returns; one read at a time per peer. */
function peerStats(peer) {
  const read = peer.statsChain.then(() => readPeerStats(peer));
  peer.statsChain = read.catch(() => {});
  return read;
}

/**
 * A cumulative counter that never goes back. Chromium restarts some RTP counters of an unchanged SSRC when a
 * renegotiation (an ICE restart after glare, say) rebuilds the channel; what was counted before still happened.
 */
function monotonic(peer, key, raw) {
  let counter = peer.counters.get(key);
  if (!counter) {
    counter = { last: 0, offset: 0 };
    peer.counters.set(key, counter);
  }
  if (raw < counter.last) counter.offset += counter.last;
  counter.last = raw;
  return counter.offset + raw;
}

async function readPeerStats(peer) {
  const pc = peer.pc;
  const out = {
    peerId: peer.peerId,
    displayName: peer.displayName,
    connectionState: pc ? pc.connectionState : 'new',
    iceConnectionState: pc ? pc.iceConnectionState : 'new',
    path: null,
    localCandidateType: null,
    remoteCandidateType: null,
    localAddress: null,
    remoteAddress: null,
    protocol: null,
    relayProtocol: null,
    bytesSent: 0,
    bytesReceived: 0,
    framesDecoded: 0,
    framesReceived: 0,
    roundTripTimeMs: null,
  };
  if (!pc) return out;
  let report;
  try {
    report = await pc.getStats();
  } catch {
    return out;
  }
  let pair = null;
  let rtpSent = 0;
  let rtpSeen = false;
  let pairsSent = 0;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) {
      pair = report.get(s.selectedCandidatePairId) ?? pair;
    } else if (s.type === 'candidate-pair') {
      pairsSent += s.bytesSent ?? 0;
    } else if (s.type === 'outbound-rtp') {
      rtpSeen = true;
      rtpSent += monotonic(peer, `sent:${s.ssrc}`, (s.bytesSent ?? 0) + (s.headerBytesSent ?? 0));
    } else if (s.type === 'inbound-rtp') {
      out.bytesReceived += monotonic(peer, `received:${s.ssrc}`, (s.bytesReceived ?? 0) + (s.headerBytesReceived ?? 0));
      if (s.kind === 'video') {
        out.framesDecoded += monotonic(peer, `decoded:${s.ssrc}`, s.framesDecoded ?? 0);
        out.framesReceived += monotonic(peer, `frames:${s.ssrc}`, s.framesReceived ?? 0);
      }
    }
  });
  if (!pair) {
    // Browsers without transport stats flag the pair itself.
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded'))) pair = pair ?? s;
    });
  }
  if (pair) {
    const local = report.get(pair.localCandidateId);
    const remote = report.get(pair.remoteCandidateId);
    out.localCandidateType = local?.candidateType ?? null;
    out.remoteCandidateType = remote?.candidateType ?? null;
    out.localAddress = local ? `${local.address ?? local.ip}:${local.port}` : null;
    out.remoteAddress = remote ? `${remote.address ?? remote.ip}:${remote.port}` : null;
    out.protocol = local?.protocol ?? null;
    out.relayProtocol = local?.relayProtocol ?? null;
    out.roundTripTimeMs = pair.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) : null;
    if (out.localCandidateType && out.remoteCandidateType) {
      const relayed = out.localCandidateType === 'relay' || out.remoteCandidateType === 'relay';
      out.path = relayed ? 'relayed' : 'direct';
    }
  }
  // Cumulative bytes sent to this peer: what its candidate pairs sent — SRTP, SRTCP and DTLS as they cross the
  // network, which is what a relay (or a server) would carry — else outbound RTP payload + headers.
  const sent = pairsSent > 0 ? monotonic(peer, 'pairs', pairsSent) : rtpSent;
  out.bytesSent = Math.max(0, Math.round(sent));
  out.bytesReceived = Math.max(0, Math.round(out.bytesReceived));
  return out;
}
