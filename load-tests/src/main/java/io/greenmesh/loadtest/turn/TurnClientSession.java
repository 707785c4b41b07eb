package io.greenmesh.loadtest.turn;

import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.attribute.XorRelayedAddress;
import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunDecoder;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The control plane of one allocation over UDP, with the relay's own codec: Allocate (challenge, then long-term
 * credentials), CreatePermission and ChannelBind. The channel stays connected to the server afterwards and carries
 * the ChannelData. Requests are retransmitted every 200 ms (RFC 8489 §6.2.1 clients do so; GreenMesh answers an
 * unauthenticated source only within its amplification budget, so the first challenge may need a retransmission).
 */
final class TurnClientSession {
  private static final int RETRANSMIT_MILLIS = 200;
  private static final int MAX_TRANSMISSIONS = 15;

  final DatagramChannel channel;
  private final RestCredentials credentials;
  private String realm;
  private String nonce;
  private byte[] key;
  private InetSocketAddress relayed;

  TurnClientSession(InetSocketAddress server, RestCredentials credentials) throws IOException {
    this.channel = DatagramChannel.open();
    channel.bind(new InetSocketAddress(server.getAddress(), 0));
    channel.connect(server);
    channel.socket().setSoTimeout(RETRANSMIT_MILLIS);
    this.credentials = credentials;
  }

  /** Starts from a realm and nonce another session learned (GreenMesh's nonce is per client IP, not per port). */
  void knownChallenge(String realm, String nonce) {
    if (realm != null) {
      this.realm = realm;
      this.nonce = nonce;
      this.key = credentials.key(realm);
    }
  }

  String realm() {
    return realm;
  }

  String nonce() {
    return nonce;
  }

  InetSocketAddress relayedAddress() {
    return relayed;
  }

  /** Allocate until success; the relayed address is then known. */
  void allocate() throws IOException {
    if (realm == null) {
      StunMessage challenge = transact(StunMessage.request(Method.ALLOCATE,
          List.of(new RequestedTransport(RequestedTransport.UDP))), null);
      learn(challenge);
    }
    StunMessage ok = authenticated(Method.ALLOCATE, new RequestedTransport(RequestedTransport.UDP),
        new Lifetime(3600));
    relayed = ok.attribute(XorRelayedAddress.class)
        .orElseThrow(() -> new IOException("Allocate success without XOR-RELAYED-ADDRESS")).address();
  }

  void createPermission(InetSocketAddress peer) throws IOException {
    authenticated(Method.CREATE_PERMISSION, new XorPeerAddress(peer));
  }

  void channelBind(int channel, InetSocketAddress peer) throws IOException {
    authenticated(Method.CHANNEL_BIND, new ChannelNumber(channel), new XorPeerAddress(peer));
  }

  void close() throws IOException {
    channel.close();
  }

  /** A signed request; a 401 or 438 teaches a new realm/nonce and is retried (at most 3 times). */
  private StunMessage authenticated(Method method, StunAttribute... attributes) throws IOException {
    StunMessage response = null;
    for (int attempt = 0; attempt < 4; attempt++) {
      List<StunAttribute> all = new ArrayList<>(List.of(attributes));
      all.add(new Username(credentials.username()));
      all.add(new Realm(realm));
      all.add(new Nonce(nonce));
      response = transact(StunMessage.request(method, all), key);
      if (response.messageClass() == MessageClass.SUCCESS_RESPONSE) {
        return response;
      }
      int code = response.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
      if (code != ErrorCode.UNAUTHENTICATED && code != ErrorCode.STALE_NONCE) {
        break;
      }
      learn(response);
    }
    throw new IOException(method + " refused: " + response.attribute(ErrorCode.class).map(Object::toString)
        .orElse(response.toString()));
  }

  private void learn(StunMessage challenge) throws IOException {
    String r = challenge.attribute(Realm.class).map(Realm::value).orElse(realm);
    String n = challenge.attribute(Nonce.class).map(Nonce::value).orElse(null);
    if (r == null || n == null) {
      throw new IOException("challenge without REALM/NONCE: " + challenge);
    }
    knownChallenge(r, n);
  }

  private static void sleepQuietly(long untilNanos) {
    long left = untilNanos - System.nanoTime();
    if (left > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(left);
    }
  }

  private StunMessage transact(StunMessage request, byte[] signingKey) throws IOException {
    byte[] bytes = StunEncoder.encode(request, signingKey, true);
    byte[] in = new byte[2048];
    DatagramPacket packet = new DatagramPacket(in, in.length);
    for (int attempt = 0; attempt < MAX_TRANSMISSIONS; attempt++) {
      channel.write(java.nio.ByteBuffer.wrap(bytes));
      long until = System.nanoTime() + RETRANSMIT_MILLIS * 1_000_000L;
      while (System.nanoTime() < until) {
        try {
          packet.setLength(in.length);
          channel.socket().receive(packet);
        } catch (SocketTimeoutException e) {
          break;
        } catch (PortUnreachableException e) {
          // ICMP from an earlier transmission: the server is not listening (yet); retransmit after the interval.
          sleepQuietly(until);
          break;
        }
        if (StunDecoder.decode(in, 0, packet.getLength()) instanceof DecodeResult.Decoded d
            && Arrays.equals(d.message().transactionId(), request.transactionId())
            && d.message().messageClass() != MessageClass.INDICATION) {
          return d.message();
        }
      }
    }
    throw new IOException(request.method() + ": no answer from " + channel.getRemoteAddress() + " after "
        + MAX_TRANSMISSIONS + " transmissions");
  }
}
