package io.greenmesh.signaling.protocol;

import java.util.List;

/** One entry of RTCConfiguration.iceServers; username and credential are null for STUN. */
public record IceServer(List<String> urls, String username, String credential) {
  public IceServer {
    urls = List.copyOf(urls);
  }

  public static IceServer stun(List<String> urls) {
    return new IceServer(urls, null, null);
  }
}
