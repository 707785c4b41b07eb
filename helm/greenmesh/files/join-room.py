#!/usr/bin/env python3
"""helm test for GreenMesh: two clients join one room over the signaling WebSocket and exchange a signal.

Standard library only (any image with python3). Usage: join-room.py HOST PORT [ROOM]. Exits 0 on success.
"""
import base64
import json
import os
import socket
import struct
import sys
import time


class WebSocket:
    """The smallest RFC 6455 client that speaks the GreenMesh protocol: masked text frames, answers pings."""

    def __init__(self, host, port, path="/v1/ws", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("connection closed during the WebSocket handshake")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise RuntimeError(f"WebSocket handshake refused: {status.decode(errors='replace')}")

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("connection closed")
            data += chunk
        return data

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send(self, message):
        self._send_frame(0x1, json.dumps(message).encode())

    def receive(self):
        """The next JSON message (text frames, reassembled); answers pings on the way."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            if opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode == 0x8:
                raise RuntimeError(f"server closed the WebSocket: {payload[2:].decode(errors='replace')}")
            elif opcode in (0x1, 0x0):
                parts.append(payload)
                if b0 & 0x80:
                    return json.loads(b"".join(parts).decode())

    def expect(self, wanted_type):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = self.receive()
            if message.get("type") == wanted_type:
                return message
            if message.get("type") == "error":
                raise RuntimeError(f"expected {wanted_type}, got error {message}")
        raise RuntimeError(f"no {wanted_type} within 10 s")

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        finally:
            self.sock.close()


def main():
    host = sys.argv[1]
    port = int(sys.argv[2])
    room = sys.argv[3] if len(sys.argv) > 3 else "helm-test-" + base64.b32encode(os.urandom(5)).decode().lower()
    alice = WebSocket(host, port)
    alice.send({"type": "join", "room": room, "displayName": "helm-test-a"})
    welcome_a = alice.expect("welcome")
    bob = WebSocket(host, port)
    bob.send({"type": "join", "room": room, "displayName": "helm-test-b"})
    welcome_b = bob.expect("welcome")
    if [p["peerId"] for p in welcome_b["peers"]] != [welcome_a["peerId"]]:
        raise RuntimeError(f"second client does not see the first: {welcome_b['peers']}")
    joined = alice.expect("peer-joined")
    if joined["peerId"] != welcome_b["peerId"]:
        raise RuntimeError(f"unexpected peer-joined {joined}")
    bob.send({"type": "signal", "to": welcome_a["peerId"], "data": {"helm": "test"}})
    signal = alice.expect("signal")
    if signal["from"] != welcome_b["peerId"] or signal["data"] != {"helm": "test"}:
        raise RuntimeError(f"unexpected signal {signal}")
    bob.send({"type": "leave"})
    alice.expect("peer-left")
    alice.send({"type": "leave"})
    alice.close()
    bob.close()
    servers = [u for s in welcome_a.get("iceServers", []) for u in s.get("urls", [])]
    print(f"joined room {room} as {welcome_a['peerId']} and {welcome_b['peerId']}, signal delivered; "
          f"ICE servers: {servers}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - the message is the test's result
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
