package io.greenmesh.loadtest.gatling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The client frames of protocol v1 (docs/protocol.md) the simulations send. {@code data} of a signal has the shape
 * greenmesh.js gives it: an SDP description, a trickle ICE candidate, or {@code {"candidate": null}} (end of
 * candidates). The SDP is a plausible audio + video offer of about 2 KB, so frames have a browser's size.
 */
final class Frames {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String PING = "{\"type\":\"ping\"}";
  static final String LEAVE = "{\"type\":\"leave\"}";

  /** Host, server-reflexive and relay candidates, as a browser trickles them (addresses from TEST-NET-1/-3). */
  static final List<String> CANDIDATES = List.of(
      "candidate:842163049 1 udp 2122260223 192.0.2.17 54400 typ host generation 0 ufrag gM3x network-id 1",
      "candidate:1467250027 1 udp 2122194687 192.0.2.18 61055 typ host generation 0 ufrag gM3x network-id 2",
      "candidate:3745394431 1 udp 1686052607 203.0.113.41 54400 typ srflx raddr 192.0.2.17 rport 54400 generation 0"
          + " ufrag gM3x network-id 1",
      "candidate:2157334355 1 udp 41885439 203.0.113.99 50112 typ relay raddr 203.0.113.41 rport 54400 generation 0"
          + " ufrag gM3x network-id 1",
      "candidate:4233069003 1 tcp 1518280447 192.0.2.17 9 typ host tcptype active generation 0 ufrag gM3x"
          + " network-id 1");

  /** What every m-section of a BUNDLE offer repeats: ICE credentials, DTLS fingerprint and role. */
  private static final String TRANSPORT = String.join("\r\n",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:gM3x",
      "a=ice-pwd:Yk3tBq0d6WvGZ9pR2cJ8s1Lh",
      "a=ice-options:trickle",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
      "a=setup:%SETUP%");

  private static final String SDP_TEMPLATE = String.join("\r\n",
      "v=0",
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1",
      "a=extmap-allow-mixed",
      "a=msid-semantic: WMS 3f1c2b7e-5b1d-4c2e-9a37-1f0c7d2a9e10",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
      TRANSPORT,
      "a=mid:0",
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=sendrecv",
      "a=msid:3f1c2b7e-5b1d-4c2e-9a37-1f0c7d2a9e10 8d2f6a4c-0e9b-4f1a-b3c5-7a6e2d1f0b98",
      "a=rtcp-mux",
      "a=rtpmap:111 opus/48000/2",
      "a=rtcp-fb:111 transport-cc",
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=rtpmap:63 red/48000/2",
      "a=fmtp:63 111/111",
      "a=rtpmap:9 G722/8000",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:13 CN/8000",
      "a=rtpmap:110 telephone-event/48000",
      "a=rtpmap:126 telephone-event/8000",
      "a=ssrc:1001 cname:Qe7Lw2xq9T0vN3cB",
      "a=ssrc:1001 msid:3f1c2b7e-5b1d-4c2e-9a37-1f0c7d2a9e10 8d2f6a4c-0e9b-4f1a-b3c5-7a6e2d1f0b98",
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125",
      TRANSPORT,
      "a=mid:1",
      "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "a=extmap:13 urn:3gpp:video-orientation",
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=sendrecv",
      "a=msid:3f1c2b7e-5b1d-4c2e-9a37-1f0c7d2a9e10 c1a7e9d3-2b4f-4e6a-8c0d-5f3b1a9e7d24",
      "a=rtcp-mux",
      "a=rtcp-rsize",
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 goog-remb",
      "a=rtcp-fb:96 transport-cc",
      "a=rtcp-fb:96 ccm fir",
      "a=rtcp-fb:96 nack",
      "a=rtcp-fb:96 nack pli",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "a=rtpmap:102 H264/90000",
      "a=rtcp-fb:102 goog-remb",
      "a=rtcp-fb:102 transport-cc",
      "a=rtcp-fb:102 ccm fir",
      "a=rtcp-fb:102 nack",
      "a=rtcp-fb:102 nack pli",
      "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
      "a=rtpmap:103 rtx/90000",
      "a=fmtp:103 apt=102",
      "a=rtpmap:104 VP9/90000",
      "a=rtcp-fb:104 goog-remb",
      "a=rtcp-fb:104 transport-cc",
      "a=fmtp:104 profile-id=0",
      "a=rtpmap:105 rtx/90000",
      "a=fmtp:105 apt=104",
      "a=rtpmap:106 AV1/90000",
      "a=rtpmap:107 rtx/90000",
      "a=fmtp:107 apt=106",
      "a=rtpmap:108 red/90000",
      "a=rtpmap:109 rtx/90000",
      "a=fmtp:109 apt=108",
      "a=rtpmap:127 ulpfec/90000",
      "a=rtpmap:125 flexfec-03/90000",
      "a=ssrc-group:FID 2002 2003",
      "a=ssrc:2002 cname:Qe7Lw2xq9T0vN3cB",
      "a=ssrc:2003 cname:Qe7Lw2xq9T0vN3cB",
      "");

  private static final String OFFER_DATA = description("offer", "actpass");
  private static final String ANSWER_DATA = description("answer", "active");

  private Frames() {}

  static String join(String room, String displayName) {
    return "{\"type\":\"join\",\"room\":" + quote(room) + ",\"displayName\":" + quote(displayName) + "}";
  }

  static String resume(String sessionToken) {
    return "{\"type\":\"resume\",\"sessionToken\":" + quote(sessionToken) + "}";
  }

  static String offer(String to) {
    return signal(to, OFFER_DATA);
  }

  static String answer(String to) {
    return signal(to, ANSWER_DATA);
  }

  /** The {@code index}-th trickle candidate (cycling through {@link #CANDIDATES}). */
  static String candidate(String to, int index) {
    String candidate = CANDIDATES.get(Math.floorMod(index, CANDIDATES.size()));
    return signal(to, "{\"candidate\":{\"candidate\":" + quote(candidate) + ",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
  }

  static String endOfCandidates(String to) {
    return signal(to, "{\"candidate\":null}");
  }

  static String signal(String to, String dataJson) {
    return "{\"type\":\"signal\",\"to\":" + quote(to) + ",\"data\":" + dataJson + "}";
  }

  private static String description(String type, String setup) {
    String sdp = SDP_TEMPLATE.replace("%SETUP%", setup);
    return "{\"description\":{\"type\":" + quote(type) + ",\"sdp\":" + quote(sdp) + "}}";
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
