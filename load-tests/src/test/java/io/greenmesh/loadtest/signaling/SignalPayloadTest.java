package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SignalPayloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theSendTimestampSurvivesTheTripThroughTheNode() throws Exception {
    long sent = System.nanoTime();
    JsonNode frame = JSON.readTree(SignalPayload.signalFrame("k3n0q8x1c4v7b2m5", sent, 7, "xx"));
    assertEquals("signal", frame.get("type").asText());
    assertEquals("k3n0q8x1c4v7b2m5", frame.get("to").asText());

    // The node delivers data verbatim as {type: signal, from, data, seq}.
    JsonNode delivered = JSON.readTree(
        "{\"type\":\"signal\",\"from\":\"a1\",\"data\":" + frame.get("data") + ",\"seq\":3}");
    assertEquals(OptionalLong.of(sent), SignalPayload.sentNanos(delivered.get("data")));
  }

  @Test
  void negativeNanoTimesAreTimestampsToo() throws Exception {
    JsonNode data = JSON.readTree(SignalPayload.signalFrame("p", -42L, 0, "")).get("data");
    assertEquals(OptionalLong.of(-42L), SignalPayload.sentNanos(data));
  }

  @Test
  void dataThatIsNotOursHasNoTimestamp() throws Exception {
    assertTrue(SignalPayload.sentNanos(JSON.readTree("{\"candidate\":null}")).isEmpty());
    assertTrue(SignalPayload.sentNanos(JSON.readTree("{\"t\":\"soon\"}")).isEmpty());
    assertTrue(SignalPayload.sentNanos(JSON.readTree("{\"t\":1.5}")).isEmpty());
    assertTrue(SignalPayload.sentNanos(JSON.readTree("\"text\"")).isEmpty());
    assertTrue(SignalPayload.sentNanos(null).isEmpty());
  }

  @Test
  void paddingHasTheRequestedSize() {
    assertEquals(150, SignalPayload.padding(150).length());
    assertEquals("", SignalPayload.padding(-1));
  }
}
