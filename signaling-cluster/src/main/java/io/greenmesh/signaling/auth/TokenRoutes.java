package io.greenmesh.signaling.auth;

import io.greenmesh.signaling.codec.ProtocolCodec;
import io.greenmesh.signaling.protocol.Grants;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /v1/token?room=R&amp;name=S[&amp;moderator=true]: mints a room token, for the demo app and for trying tokens
 * out — only on an open node, where anyone may join anyway. A node that requires tokens never mints them over HTTP.
 */
public final class TokenRoutes extends AllDirectives {
  private static final Duration TTL = Duration.ofHours(1);

  private final RoomTokens tokens;

  public TokenRoutes(RoomTokens tokens) {
    this.tokens = tokens;
  }

  public Route routes() {
    return path(PathMatchers.segment("v1").slash("token"), () -> get(() ->
        parameter("room", room -> parameterOptional("name", name -> parameterOptional("moderator", moderator -> {
          if (tokens.policy() != AuthSettings.Policy.OPEN) {
            return complete(StatusCodes.FORBIDDEN, "this node requires room tokens and does not mint them");
          }
          if (!ProtocolCodec.ROOM_NAME.matcher(room).matches()) {
            return complete(StatusCodes.BAD_REQUEST, "room must be 1-64 characters of [A-Za-z0-9_-]");
          }
          Grants grants = new Grants(true, true, moderator.map("true"::equals).orElse(false));
          String token = tokens.mint(room, ProtocolCodec.cleanDisplayName(name.orElse(null)), TTL, grants);
          return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
              "{\"token\":\"" + token + "\",\"expiresInSeconds\":" + TTL.toSeconds() + "}")));
        })))));
  }
}
