package io.greenmesh.signaling.auth;

import com.typesafe.config.Config;
import io.greenmesh.signaling.config.ConfigLists;
import java.time.Duration;
import java.util.List;

/** The {@code greenmesh.auth} block: who may join which room. */
public record AuthSettings(
    Policy policy,
    List<String> hs256Secrets,
    List<String> publicKeyFiles,
    String jwksFile,
    String issuer,
    Duration clockSkew) {

  /** {@code open}: anyone may join any room (a token, if sent, is still checked); {@code token}: a valid token is required. */
  public enum Policy { OPEN, TOKEN }

  public AuthSettings {
    hs256Secrets = List.copyOf(hs256Secrets);
    publicKeyFiles = List.copyOf(publicKeyFiles);
  }

  public static AuthSettings from(Config root) {
    Config c = root.getConfig("greenmesh.auth");
    String policy = c.getString("policy").strip().toLowerCase();
    if (!policy.equals("open") && !policy.equals("token")) {
      throw new IllegalArgumentException("greenmesh.auth.policy (GREENMESH_AUTH_POLICY) must be open or token, not '"
          + policy + "'");
    }
    return new AuthSettings(
        policy.equals("open") ? Policy.OPEN : Policy.TOKEN,
        ConfigLists.strings(c, "hs256-secret"),
        ConfigLists.strings(c, "public-keys"),
        c.getString("jwks-file"),
        c.getString("issuer"),
        c.getDuration("clock-skew"));
  }
}
