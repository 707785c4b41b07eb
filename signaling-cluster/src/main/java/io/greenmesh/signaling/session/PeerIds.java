package io.greenmesh.signaling.session;

import java.security.SecureRandom;

/** Random peer ids: 16 characters of [0-9a-z], about 82 bits, unguessable and URL-safe. */
public final class PeerIds {
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private PeerIds() {}

  public static String next() {
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }
}
