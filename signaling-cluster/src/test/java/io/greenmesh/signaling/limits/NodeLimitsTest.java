package io.greenmesh.signaling.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class NodeLimitsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void connectionsArePerAddressAndSessionsPerNode() {
    NodeLimits limits = new NodeLimits(new LimitSettings(2, 3, 0, 0, 0, 0, false), registry);
    assertNull(limits.openConnection("a"));
    assertNull(limits.openConnection("a"));
    assertEquals("connections-per-ip", limits.openConnection("a"));
    assertNull(limits.openConnection("b"));
    assertEquals("sessions-per-node", limits.openConnection("c"));
    limits.closeConnection("a");
    assertNull(limits.openConnection("c"));
    assertEquals(1.0, registry.get("greenmesh.signaling.limit.refusals").tag("limit", "connections-per-ip")
        .counter().count());
  }

  @Test
  void joinsPerAddressFollowATokenBucketAndRoomsPerNodeACap() {
    NodeLimits limits = new NodeLimits(new LimitSettings(0, 0, 1, 2, 10, 1, false), registry);
    assertTrue(limits.tryJoin("a"));
    assertTrue(limits.tryJoin("a"));
    assertFalse(limits.tryJoin("a"));
    assertTrue(limits.tryJoin("b"), "another address has its own bucket");
    assertTrue(limits.mayHoldAnotherDetachedSession(0));
    assertFalse(limits.mayHoldAnotherDetachedSession(1), "one waiting session is the cap here");
    assertTrue(limits.mayHostAnotherRoom(10));
    assertFalse(limits.mayHostAnotherRoom(11));
  }
}
