// GreenMesh demo: one page per room (`/<room>`), a mesh video call through /client/greenmesh.js.
// Query parameters: ?name=Ada (display name), ?relay=1 (media only through TURN), ?token=… (join token).
import { GreenMeshClient } from '/client/greenmesh.js';

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const displayName = (params.get('name') || '').trim().slice(0, 64) || 'guest';
const relayOnly = ['1', 'true', 'yes'].includes(params.get('relay'));
const token = params.get('token') || undefined;
const room = roomFromPath(location.pathname);

function roomFromPath(pathname) {
  const segment = pathname.replace(/^\/+|\/+$/g, '');
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function setStatus(text, tone = 'info') {
  const status = $('status');
  status.textContent = text;
  status.dataset.tone = tone;
}

// ------------------------------------------------------------------ lobby (`/`)

function showLobby(problem) {
  document.title = 'GreenMesh';
  $('lobby').hidden = false;
  setStatus('Pick a room name to start.');
  const roomInput = $('room-input');
  roomInput.value = problem ? '' : `green-${Math.random().toString(36).slice(2, 7)}`;
  $('name-input').value = params.get('name') || '';
  $('relay-input').checked = relayOnly;
  if (problem) {
    $('lobby-error').textContent = problem;
    $('lobby-error').hidden = false;
  }
  roomInput.focus();
  roomInput.select();
  $('lobby-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = roomInput.value.trim();
    if (!ROOM_PATTERN.test(name)) {
      $('lobby-error').textContent = 'Use 1–64 letters, digits, "-" or "_".';
      $('lobby-error').hidden = false;
      return;
    }
    const query = new URLSearchParams();
    const person = $('name-input').value.trim();
    if (person) query.set('name', person);
    if ($('relay-input').checked) query.set('relay', '1');
    if (token) query.set('token', token);
    const suffix = query.toString();
    location.assign(`/${encodeURIComponent(name)}${suffix ? `?${suffix}` : ''}`);
  });
}

// ------------------------------------------------------------------ call (`/<room>`)

const tiles = new Map(); // peerId ('local' for us) -> tile element

function tile(id, name) {
  let el = tiles.get(id);
  if (!el) {
    el = $('tile-template').content.firstElementChild.cloneNode(true);
    el.dataset.peer = id;
    if (id === 'local') {
      el.classList.add('local');
      el.querySelector('video').muted = true; // never play our own microphone back
    } else {
      el.classList.add('no-video'); // until the peer's stream arrives
    }
    tiles.set(id, el);
    $('grid').append(el);
    layoutGrid();
  }
  if (name !== undefined) {
    el.querySelector('.name').textContent = name;
    el.querySelector('.initial').textContent = name.slice(0, 1).toUpperCase();
  }
  return el;
}

function removeTile(id) {
  tiles.get(id)?.remove();
  tiles.delete(id);
  layoutGrid();
}

function layoutGrid() {
  const grid = $('grid');
  grid.dataset.count = String(tiles.size);
  grid.style.setProperty('--cols', String(Math.ceil(Math.sqrt(Math.max(1, tiles.size)))));
}

function setBadge(el, path) {
  const badge = el.querySelector('.badge');
  badge.hidden = !path;
  badge.textContent = path || '';
  badge.dataset.path = path || '';
  badge.title = path === 'relayed' ? 'Media goes through the TURN relay' : 'Media goes straight between browsers';
}

function renderPeerList(client) {
  const list = $('peer-list');
  list.replaceChildren();
  const me = document.createElement('li');
  me.innerHTML = '<span class="dot" data-state="connected"></span><span class="who"></span><span class="what">you</span>';
  me.querySelector('.who').textContent = displayName;
  list.append(me);
  for (const peer of client.peers()) {
    const li = document.createElement('li');
    li.innerHTML = '<span class="dot"></span><span class="who"></span><span class="what"></span>';
    li.querySelector('.dot').dataset.state = peer.connectionState;
    li.querySelector('.who').textContent = peer.displayName;
    li.querySelector('.what').textContent = peer.path ? `${peer.connectionState} · ${peer.path}` : peer.connectionState;
    li.querySelector('.what').dataset.path = peer.path || '';
    list.append(li);
  }
  $('peer-count').textContent = String(client.peers().length + 1);
}

function showCarbon(report) {
  const panel = $('carbon');
  const grams = report.avoidedCo2eGrams && typeof report.avoidedCo2eGrams === 'object' ? report.avoidedCo2eGrams : {};
  const liters = report.avoidedWaterLiters && typeof report.avoidedWaterLiters === 'object' ? report.avoidedWaterLiters : {};
  const presets = Object.keys(grams);
  const headline = presets.length ? grams[presets[0]] : 0;
  const megabytes = (Number(report.avoidedBytes) || 0) / 1e6;
  $('carbon-text').textContent = `This call saved about ${formatNumber(headline)} g CO2e and `
    + `${formatNumber(megabytes)} MB of data-centre traffic.`;
  const details = $('carbon-details');
  details.replaceChildren();
  const row = (term, value) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    details.append(dt, dd);
  };
  for (const preset of presets) {
    const water = liters[preset] !== undefined ? ` · ${formatNumber(liters[preset])} L water` : '';
    row(preset, `${formatNumber(grams[preset])} g CO2e${water}`);
  }
  row('direct', `${formatNumber((Number(report.bytesDirect) || 0) / 1e6)} MB`);
  row('relayed', `${formatNumber((Number(report.bytesRelayed) || 0) / 1e6)} MB`);
  panel.hidden = false;
}

function formatNumber(n) {
  const value = Number(n) || 0;
  return value.toLocaleString(undefined, { maximumFractionDigits: value < 10 ? 2 : value < 100 ? 1 : 0 });
}

async function openCamera() {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
    });
  } catch (first) {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setStatus(`No camera or microphone (${first.name}); you can still watch and listen.`, 'warn');
      return null;
    }
  }
}

async function startCall() {
  document.title = `${room} · GreenMesh`;
  $('call').hidden = false;
  $('room-label').hidden = false;
  $('room-label').textContent = room;
  setStatus('Asking for camera and microphone…');

  const localStream = await openCamera();
  const me = tile('local', `${displayName} (you)`);
  if (localStream) me.querySelector('video').srcObject = localStream;
  me.classList.toggle('no-video', !localStream?.getVideoTracks().length);

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = new GreenMeshClient({
    url: `${scheme}//${location.host}/v1/ws`,
    room,
    displayName,
    token,
    iceTransportPolicy: relayOnly ? 'relay' : 'all',
    localStream,
  });
  // Test hook: the client, its stats, and a log of what it reported (without media objects).
  const events = [];
  window.greenmeshDemo = { client, stats: () => client.stats(), events };
  for (const type of ['welcome', 'peer-joined', 'peer-left', 'connection-state', 'path', 'relay-upgrade',
    'ice-candidate-error', 'carbon-report', 'report', 'error', 'reconnecting', 'resumed', 'closed']) {
    client.addEventListener(type, (e) => {
      if (events.length >= 500) events.shift();
      events.push({ type, at: Date.now(), detail: JSON.parse(JSON.stringify(e.detail ?? null)) });
    });
  }

  const media = { audio: true, video: Boolean(localStream?.getVideoTracks().length) };
  const announceMedia = () => client.broadcast({ media });

  client.addEventListener('welcome', (e) => {
    const others = e.detail.peers.length;
    setStatus(`In “${room}” as ${displayName} · ${others ? `${others} other${others > 1 ? 's' : ''} here` : 'waiting for others'}${relayOnly ? ' · relay only' : ''}`, 'ok');
    renderPeerList(client);
    announceMedia();
  });
  client.addEventListener('peer-joined', (e) => {
    tile(e.detail.peerId, e.detail.displayName);
    renderPeerList(client);
    if (!e.detail.present) {
      setStatus(`${e.detail.displayName} joined`, 'ok');
      announceMedia();
    }
  });
  client.addEventListener('peer-left', (e) => {
    removeTile(e.detail.peerId);
    renderPeerList(client);
    if (client.state === 'joined') setStatus(`${e.detail.displayName} left`);
  });
  client.addEventListener('stream', (e) => {
    const el = tile(e.detail.peerId);
    el.querySelector('video').srcObject = e.detail.stream;
    if (el.dataset.videoOff !== 'true') el.classList.remove('no-video');
  });
  client.addEventListener('connection-state', (e) => {
    const el = tiles.get(e.detail.peerId);
    if (el) el.dataset.state = e.detail.state;
    renderPeerList(client);
  });
  client.addEventListener('path', (e) => {
    const el = tiles.get(e.detail.peerId);
    if (el) setBadge(el, e.detail.path);
    renderPeerList(client);
  });
  client.addEventListener('broadcast', (e) => {
    const state = e.detail.data?.media;
    const el = tiles.get(e.detail.from);
    if (!state || !el) return;
    el.querySelector('.muted-flag').hidden = state.audio !== false;
    el.dataset.videoOff = String(state.video === false);
    el.classList.toggle('no-video', state.video === false || !el.querySelector('video').srcObject);
  });
  client.addEventListener('carbon-report', (e) => showCarbon(e.detail));
  client.addEventListener('reconnecting', (e) => {
    setStatus(`Signaling connection lost — reconnecting (attempt ${e.detail.attempt})… media keeps flowing.`, 'warn');
  });
  client.addEventListener('resumed', () => setStatus(`Reconnected to “${room}”.`, 'ok'));
  client.addEventListener('closed', (e) => {
    if (e.detail.reason === 'client closed') return; // the page is going away
    for (const id of [...tiles.keys()]) if (id !== 'local') removeTile(id);
    renderPeerList(client);
    setLeaveButton(false);
    setStatus(`Disconnected: ${e.detail.reason}`, 'error');
  });
  client.addEventListener('error', (e) => {
    const { code, message } = e.detail;
    if (code === 'negotiation' || code === 'media') console.warn('greenmesh', code, message);
    else setStatus(`Server said ${code}: ${message || ''}`, 'error');
  });

  wireControls(client, localStream, media, announceMedia);
  addEventListener('pagehide', () => client.close());
  addEventListener('online', () => {
    // A new network: do not wait for the keep-alive to notice, and gather candidates on it.
    client.reconnect();
    client.restartIce();
  });

  setStatus(`Joining “${room}”…`);
  try {
    await client.join();
  } catch (err) {
    setStatus(`Could not join: ${err.code || ''} ${err.message}`, 'error');
    setLeaveButton(false);
  }
}

function setLeaveButton(inCall) {
  const button = $('leave-btn');
  button.classList.toggle('danger', inCall);
  button.classList.toggle('primary', !inCall);
  button.querySelector('span').textContent = inCall ? 'Leave' : 'Rejoin';
}

function wireControls(client, localStream, media, announceMedia) {
  const toggle = (button, kind, onLabel, offLabel) => {
    const tracks = localStream ? (kind === 'audio' ? localStream.getAudioTracks() : localStream.getVideoTracks()) : [];
    if (!tracks.length) {
      button.disabled = true;
      return;
    }
    button.addEventListener('click', () => {
      const enabled = !tracks[0].enabled;
      for (const track of tracks) track.enabled = enabled;
      media[kind] = enabled;
      button.setAttribute('aria-pressed', String(!enabled));
      button.querySelector('span').textContent = enabled ? onLabel : offLabel;
      if (kind === 'video') tiles.get('local')?.classList.toggle('no-video', !enabled);
      if (kind === 'audio') tiles.get('local').querySelector('.muted-flag').hidden = enabled;
      announceMedia();
    });
  };
  toggle($('mic-btn'), 'audio', 'Mute', 'Unmute');
  toggle($('cam-btn'), 'video', 'Camera off', 'Camera on');

  // Invite: an open node mints a room token (GET /v1/token); the link carries it, and whoever opens it joins with the
  // token's name and grants. A node that requires tokens refuses: its tokens come from your own backend.
  $('invite-btn').addEventListener('click', async () => {
    try {
      const response = await fetch(`/v1/token?room=${encodeURIComponent(room)}&name=guest`);
      if (!response.ok) {
        setStatus('This node does not mint tokens: invite links come from your own app.', 'error');
        return;
      }
      const { token } = await response.json();
      const link = `${location.origin}/${encodeURIComponent(room)}?token=${encodeURIComponent(token)}`;
      try {
        await navigator.clipboard.writeText(link);
        setStatus('Invite link copied (valid for an hour).');
      } catch {
        setStatus(`Invite link: ${link}`);
      }
    } catch (err) {
      setStatus(`Could not make an invite: ${err.message}`, 'error');
    }
  });

  $('leave-btn').addEventListener('click', async () => {
    const button = $('leave-btn');
    button.disabled = true;
    try {
      if (client.state === 'joined' || client.state === 'reconnecting') {
        await client.leave();
        for (const id of [...tiles.keys()]) if (id !== 'local') removeTile(id);
        renderPeerList(client);
        setStatus(`You left “${room}”.`);
        setLeaveButton(false);
      } else {
        setStatus(`Joining “${room}”…`);
        await client.join();
        setLeaveButton(true);
      }
    } catch (err) {
      setStatus(`Could not join: ${err.code || ''} ${err.message}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
}

if (!room) showLobby();
else if (!ROOM_PATTERN.test(room)) showLobby(`“${room}” is not a valid room name.`);
else startCall();
