package io.greenmesh.signaling.carbon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.carbon.accounting.PeerStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoomCallsTest {

  private final CarbonAccountant carbon = CarbonAccountant.create(ConfigFactory.load(), new SimpleMeterRegistry());

  /**
   * Seen in a six-tab mesh: a client's final report on {@code peer-left} and its periodic report arrived in the same
   * millisecond, and the second was refused as stale. The room stamps reports, so two in one millisecond are two.
   */
  @Test
  void twoReportsInTheSameMillisecondAreBothCounted() {
    RoomCalls<String> calls = new RoomCalls<>("r", carbon, () -> 1_000L);
    calls.joined("a");
    calls.joined("b");
    List<PeerStats> first = List.of(new PeerStats("b", "relay", "relay", 1_000));
    List<PeerStats> second = List.of(new PeerStats("b", "relay", "relay", 1_200));

    assertEquals(Optional.empty(), calls.report("a", first, 2));
    assertEquals(Optional.empty(), calls.report("a", second, 2));
  }
}
