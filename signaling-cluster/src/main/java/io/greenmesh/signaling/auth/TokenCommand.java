package io.greenmesh.signaling.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.signaling.codec.ProtocolCodec;
import io.greenmesh.signaling.protocol.Grants;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar greenmesh.jar token --room R --sub S [--ttl 1h] [--moderator] [--no-broadcast] [--no-publish]}:
 * prints an HS256 room token signed with the first {@code GREENMESH_AUTH_HS256_SECRET}. {@code --room} may be a
 * pattern such as {@code team-*}.
 */
public final class TokenCommand {
  static final String USAGE = "usage: java -jar greenmesh.jar token --room ROOM --sub NAME [--ttl 1h] [--moderator]"
      + " [--no-broadcast] [--no-publish]";

  private TokenCommand() {}

  /** Returns the process exit code; prints the token, or one line saying what is wrong. */
  public static int run(String[] args) {
    List<String> a = Arrays.asList(args);
    String room = value(a, "--room");
    String sub = value(a, "--sub");
    if (room == null || sub == null || !room.matches("[A-Za-z0-9_*-]{1,64}")) {
      System.err.println(USAGE);
      return 2;
    }
    Duration ttl;
    try {
      String t = value(a, "--ttl");
      ttl = ConfigFactory.parseString("ttl = " + (t == null ? "1h" : t)).getDuration("ttl");
    } catch (RuntimeException e) {
      System.err.println("greenmesh: --ttl takes a duration such as 30m, 1h or 7d");
      return 2;
    }
    Grants grants = new Grants(!a.contains("--no-publish"), !a.contains("--no-broadcast"), a.contains("--moderator"));
    Config config = ConfigFactory.load();
    try {
      RoomTokens tokens = new RoomTokens(AuthSettings.from(config), Clock.systemUTC());
      System.out.println(tokens.mint(room, ProtocolCodec.cleanDisplayName(sub), ttl, grants));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("greenmesh: " + e.getMessage());
      return 1;
    }
  }

  private static String value(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }
}
