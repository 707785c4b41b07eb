package io.greenmesh.signaling.protocol;

/**
 * What a peer may do in its room. {@code publish} is advisory (the server never sees media, so clients honour it);
 * {@code broadcast} and {@code moderator} are enforced by the node.
 */
public record Grants(boolean publish, boolean broadcast, boolean moderator) {
  /** What anyone gets in an open deployment, and the default for a token that names no grants. */
  public static final Grants DEFAULT = new Grants(true, true, false);

  /** Compact form carried in session tokens: a letter per grant held. */
  public String letters() {
    return (publish ? "p" : "") + (broadcast ? "b" : "") + (moderator ? "m" : "");
  }

  public static Grants fromLetters(String letters) {
    return new Grants(letters.contains("p"), letters.contains("b"), letters.contains("m"));
  }
}
