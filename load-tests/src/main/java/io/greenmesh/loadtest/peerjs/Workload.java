package io.greenmesh.loadtest.peerjs;

import io.greenmesh.loadtest.peerjs.PeerJsFrames.Kind;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The pure part of the workload, identical for every server: peer ids and tokens, who sends what to whom for the
 * {@code i}-th message of a step, and when the stepping stops.
 *
 * <p>Peers {@code 2k} and {@code 2k+1} are a pair. Message {@code i} of a step is sent by peer {@code i mod peers}
 * to its partner, so the aggregate rate is spread evenly (each peer sends {@code rate / peers} messages a second).
 * One message in {@link #sdpEvery} is an SDP message — an {@code OFFER} from the even peer of a pair, an {@code
 * ANSWER} from the odd one — and the rest are {@code CANDIDATE}s; which pairs exchange SDP rotates from round to
 * round, so the large frames are spread over time and peers.
 */
public record Workload(int peers, int sdpEvery) {
  private static final char[] TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  public Workload {
    if (peers < 2 || peers % 2 != 0) {
      throw new IllegalArgumentException("peers must be even and at least 2, not " + peers);
    }
    if (sdpEvery < 1) {
      throw new IllegalArgumentException("sdpEvery must be positive, not " + sdpEvery);
    }
  }

  /** What the {@code i}-th message of a step is. */
  public record Message(int sender, int receiver, Kind kind) {}

  public Message message(long i) {
    int sender = (int) (i % peers);
    long round = i / peers;
    boolean sdp = sdpEvery == 1 || (i / 2 + round) % sdpEvery == 0;
    Kind kind = !sdp ? Kind.CANDIDATE : sender % 2 == 0 ? Kind.OFFER : Kind.ANSWER;
    return new Message(sender, partner(sender), kind);
  }

  /** The peer that {@code peer} sends to and receives from. */
  public static int partner(int peer) {
    return peer ^ 1;
  }

  /** The id of peer {@code index} in run {@code runId}: {@code lg-<runId>-<index>}. */
  public static String peerId(String runId, int index) {
    return "lg-" + runId + "-" + index;
  }

  /** The index in a {@link #peerId} of this run, or -1 if {@code id} is not one. */
  public static int peerIndex(String runId, String id) {
    String prefix = "lg-" + runId + "-";
    if (id == null || !id.startsWith(prefix)) {
      return -1;
    }
    try {
      return Integer.parseInt(id.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A token like the PeerJS client's ({@code Math.random().toString(36).slice(2)}): 11 lowercase base-36 chars. */
  public static String token(Random random) {
    char[] c = new char[11];
    for (int i = 0; i < c.length; i++) {
      c[i] = TOKEN_CHARS[random.nextInt(TOKEN_CHARS.length)];
    }
    return new String(c);
  }

  /** A run id that keeps two runs' peer ids apart: 6 base-36 characters. */
  public static String runId(Random random) {
    return token(random).substring(0, 6);
  }

  public static Random newRandom() {
    return new SecureRandom();
  }

  /** Comma-separated positive rates in messages/s, in the order given, e.g. {@code 500,1000,2000}. */
  public static List<Integer> rates(String list) {
    List<Integer> out = new ArrayList<>();
    for (String r : list.split(",")) {
      if (!r.isBlank()) {
        int v = Integer.parseInt(r.strip());
        if (v <= 0) {
          throw new IllegalArgumentException("rates must be positive: " + list);
        }
        out.add(v);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no rates in '" + list + "'");
    }
    return out;
  }

  /**
   * Whether to go on to the next rate after a step: not once its p99 is over {@code stopP99Micros}, or anything went
   * wrong (an error, a message lost).
   */
  public static boolean keepStepping(long p99Micros, long errors, long sent, long delivered, long stopP99Micros) {
    return p99Micros <= stopP99Micros && errors == 0 && delivered == sent;
  }

  /**
   * Whether a step counts towards "messages/s at p99 ≤ target": its p99 within the target, no error, every message
   * delivered.
   */
  public static boolean meets(long p99Micros, long errors, long sent, long delivered, long targetP99Micros) {
    return sent > 0 && keepStepping(p99Micros, errors, sent, delivered, targetP99Micros);
  }
}
