package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadSettingsTest {

  @Test
  void aPortIsEnoughAndTheDefaultsAreTheIssuesScenario() {
    LoadSettings s = LoadSettings.parse("--port", "18080");
    assertEquals(URI.create("ws://127.0.0.1:18080/v1/ws"), s.webSocket());
    assertEquals(URI.create("http://127.0.0.1:18080/metrics"), s.metrics().orElseThrow());
    assertEquals(1000, s.sessions());
    assertEquals(4, s.roomSize());
    assertEquals(List.of(1000, 5000), s.signalRates());
    assertTrue(s.nodePid().isEmpty());
  }

  @Test
  void signalRatesMayBeSwitchedOff() {
    assertEquals(List.of(), LoadSettings.parse("--port", "1", "--signal-rates", "none").signalRates());
  }

  @Test
  void nonsenseIsRefusedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> LoadSettings.parse("--sessions", "10"));
    assertThrows(IllegalArgumentException.class, () -> LoadSettings.parse("--port", "1", "--sessions", "10"));
    assertThrows(IllegalArgumentException.class, () -> LoadSettings.parse("--port", "1", "--bogus", "1"));
    assertThrows(IllegalArgumentException.class, () -> LoadSettings.parse("--port", "1", "--sessions"));
    assertThrows(IllegalArgumentException.class, () -> LoadSettings.parse("--port", "1", "--join-rate", "fast"));
  }
}
