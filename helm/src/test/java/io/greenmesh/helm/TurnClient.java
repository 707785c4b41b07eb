package io.greenmesh.helm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Just enough of a TURN client over UDP (RFC 8656, long-term credentials in the TURN REST form the signaling node
 * hands out) to drive traffic through the relay for the dashboard: Allocate, CreatePermission, Send indications
 * out and Data indications back. Loopback only.
 */
final class TurnClient implements AutoCloseable {
  private static final int ALLOCATE = 0x0003;
  private static final int CREATE_PERMISSION = 0x0008;
  private static final int SEND_INDICATION = 0x0016;
  private static final int DATA_INDICATION = 0x0017;
  private static final int USERNAME = 0x0006;
  private static final int MESSAGE_INTEGRITY = 0x0008;
  private static final int ERROR_CODE = 0x0009;
  private static final int XOR_PEER_ADDRESS = 0x0012;
  private static final int DATA = 0x0013;
  private static final int REALM = 0x0014;
  private static final int NONCE = 0x0015;
  private static final int XOR_RELAYED_ADDRESS = 0x0016;
  private static final int REQUESTED_TRANSPORT = 0x0019;

  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final String username;
  private final String password;
  private String realm;
  private String nonce;
  private int relayedPort;
  private String relayedAddress;

  TurnClient(int serverPort, String secret, String user) {
    this(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), InetAddress.getLoopbackAddress(), secret,
        user);
  }

  /** A client on {@code local} for the relay at {@code server} (another address than loopback: a test network's). */
  TurnClient(InetSocketAddress server, InetAddress local, String secret, String user) {
    try {
      socket = new DatagramSocket(0, local);
      socket.setSoTimeout(3000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.server = server;
    username = (System.currentTimeMillis() / 1000 + 3600) + ":" + user;
    password = Base64.getEncoder().encodeToString(hmac("HmacSHA1", secret.getBytes(StandardCharsets.UTF_8),
        username.getBytes(StandardCharsets.UTF_8)));
  }

  /** Allocates a UDP relay: the unauthenticated request draws the 401 with realm and nonce, then the real one. */
  int allocate() {
    Map<Integer, byte[]> challenge = request(ALLOCATE, Map.of(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}), false);
    realm = new String(challenge.get(REALM), StandardCharsets.UTF_8);
    nonce = new String(challenge.get(NONCE), StandardCharsets.UTF_8);
    Map<Integer, byte[]> ok = request(ALLOCATE, Map.of(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}), true);
    if (ok.containsKey(ERROR_CODE)) {
      throw new AssertionError("Allocate refused: " + errorText(ok));
    }
    relayedPort = xorPort(ok.get(XOR_RELAYED_ADDRESS));
    byte[] v = ok.get(XOR_RELAYED_ADDRESS);
    int ip = ByteBuffer.wrap(v).getInt(4) ^ Stun.MAGIC_COOKIE;
    relayedAddress = ((ip >>> 24) & 0xFF) + "." + ((ip >>> 16) & 0xFF) + "." + ((ip >>> 8) & 0xFF) + "." + (ip & 0xFF);
    return relayedPort;
  }

  /** An authenticated Allocate without REQUESTED-TRANSPORT: the relay must refuse it (bad_request). */
  String allocateWithoutTransport() {
    return errorText(request(ALLOCATE, Map.of(), true));
  }

  void createPermission(InetSocketAddress peer) {
    Map<Integer, byte[]> r = request(CREATE_PERMISSION, Map.of(XOR_PEER_ADDRESS, xorAddress(peer)), true);
    if (r.containsKey(ERROR_CODE)) {
      throw new AssertionError("CreatePermission refused: " + errorText(r));
    }
  }

  void send(InetSocketAddress peer, byte[] data) {
    Map<Integer, byte[]> attrs = new java.util.LinkedHashMap<>();
    attrs.put(XOR_PEER_ADDRESS, xorAddress(peer));
    attrs.put(DATA, data);
    byte[] message = encode(SEND_INDICATION, transactionId(), attrs, false);
    transmit(message);
  }

  /** The DATA of the next Data indication from the relay, or null when none arrives in time. */
  byte[] receiveData() {
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
    if ((b.getShort(0) & 0xFFFF) != DATA_INDICATION) {
      return null;
    }
    return attributes(b).get(DATA);
  }

  /** The IPv4 address of XOR-RELAYED-ADDRESS of the last allocation. */
  String relayedAddress() {
    return relayedAddress;
  }

  int relayedPort() {
    return relayedPort;
  }

  @Override
  public void close() {
    socket.close();
  }

  /** A DTLS 1.2 handshake record (as a ClientHello starts): what the encrypted-only check lets through first. */
  static byte[] dtlsHandshakeRecord(int bodyLength) {
    byte[] record = new byte[13 + bodyLength];
    ByteBuffer b = ByteBuffer.wrap(record);
    b.put((byte) 22).putShort((short) 0xFEFD).putShort((short) 0).putShort((short) 0).putInt(1)
        .putShort((short) bodyLength);
    record[13] = 1; // ClientHello
    return record;
  }

  /** An SRTP-shaped packet (RTP version 2, opus payload type): relayed once DTLS was seen on the permission. */
  static byte[] srtpPacket(int length, int sequence) {
    byte[] packet = new byte[length];
    ThreadLocalRandom.current().nextBytes(packet);
    ByteBuffer b = ByteBuffer.wrap(packet);
    b.put((byte) 0x80).put((byte) 111).putShort((short) sequence).putInt(sequence * 960).putInt(0x1234abcd);
    return packet;
  }

  private Map<Integer, byte[]> request(int method, Map<Integer, byte[]> attrs, boolean authenticated) {
    byte[] tid = transactionId();
    byte[] message = encode(method, tid, attrs, authenticated);
    for (int attempt = 0; attempt < 3; attempt++) {
      transmit(message);
      byte[] buf = new byte[2048];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        while (true) {
          socket.receive(p);
          ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
          if (p.getLength() >= 20 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(buf, 8, 20), tid)) {
            return attributes(b);
          }
        }
      } catch (SocketTimeoutException retry) {
        // UDP: send again
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError("no answer from the relay to method 0x" + Integer.toHexString(method));
  }

  private byte[] encode(int type, byte[] tid, Map<Integer, byte[]> attrs, boolean authenticated) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    attrs.forEach((t, v) -> attribute(body, t, v));
    if (authenticated) {
      attribute(body, USERNAME, username.getBytes(StandardCharsets.UTF_8));
      attribute(body, REALM, realm.getBytes(StandardCharsets.UTF_8));
      attribute(body, NONCE, nonce.getBytes(StandardCharsets.UTF_8));
      // MESSAGE-INTEGRITY covers the header (with the length including itself) and everything before it.
      byte[] soFar = header(type, body.size() + 24, tid, body.toByteArray());
      byte[] key = md5(username + ":" + realm + ":" + password);
      attribute(body, MESSAGE_INTEGRITY, hmac("HmacSHA1", key, soFar));
    }
    return header(type, body.size(), tid, body.toByteArray());
  }

  private static byte[] header(int type, int length, byte[] tid, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(20 + body.length);
    b.putShort((short) type).putShort((short) length).putInt(Stun.MAGIC_COOKIE).put(tid).put(body);
    return b.array();
  }

  private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
    out.write(type >> 8);
    out.write(type);
    out.write(value.length >> 8);
    out.write(value.length);
    out.writeBytes(value);
    for (int i = value.length; i % 4 != 0; i++) {
      out.write(0);
    }
  }

  private static Map<Integer, byte[]> attributes(ByteBuffer b) {
    Map<Integer, byte[]> out = new HashMap<>();
    int end = 20 + (b.getShort(2) & 0xFFFF);
    int pos = 20;
    while (pos + 4 <= Math.min(end, b.limit())) {
      int type = b.getShort(pos) & 0xFFFF;
      int len = b.getShort(pos + 2) & 0xFFFF;
      byte[] value = new byte[len];
      b.get(pos + 4, value);
      out.putIfAbsent(type, value);
      pos += 4 + ((len + 3) & ~3);
    }
    if ((b.getShort(0) & 0x0110) == 0x0110) {
      out.putIfAbsent(ERROR_CODE, new byte[4]);
    }
    return out;
  }

  private static String errorText(Map<Integer, byte[]> attrs) {
    byte[] e = attrs.get(ERROR_CODE);
    if (e == null || e.length < 4) {
      return "no error";
    }
    return ((e[2] & 0x7) * 100 + (e[3] & 0xFF)) + " " + new String(e, 4, e.length - 4, StandardCharsets.UTF_8);
  }

  private static byte[] xorAddress(InetSocketAddress address) {
    ByteBuffer b = ByteBuffer.allocate(8);
    b.put((byte) 0).put((byte) 1).putShort((short) (address.getPort() ^ (Stun.MAGIC_COOKIE >>> 16)));
    byte[] ip = address.getAddress().getAddress();
    b.putInt(ByteBuffer.wrap(ip).getInt() ^ Stun.MAGIC_COOKIE);
    return b.array();
  }

  private static int xorPort(byte[] value) {
    return ((ByteBuffer.wrap(value).getShort(2) & 0xFFFF) ^ (Stun.MAGIC_COOKIE >>> 16)) & 0xFFFF;
  }

  private void transmit(byte[] message) {
    try {
      socket.send(new DatagramPacket(message, message.length, server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] transactionId() {
    byte[] tid = new byte[12];
    ThreadLocalRandom.current().nextBytes(tid);
    return tid;
  }

  private static byte[] hmac(String algorithm, byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] md5(String s) {
    try {
      return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
