package io.greenmesh.loadtest.signaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuTicksTest {

  @Test
  void theMachineIsBusyInAllButIdleAndIowait() {
    String stat = "cpu  84863 1325 19362 198605 451 0 433 419 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
    long busy = 84863 + 1325 + 19362 + 433 + 419;
    assertArrayEquals(new long[] {busy, busy + 198605 + 451}, CpuTicks.machine(stat));
  }

  @Test
  void aProcessIsUserPlusSystemTimeEvenWithSpacesInItsName() {
    String stat = "12562 (java main) S 12559 12559 17968 0 -1 4194304 98 0 0 0 250 40 0 0 20 0 31 0 153918";
    assertEquals(290, CpuTicks.process(stat));
  }

  @Test
  void othersAreWhatTheNodeAndTheGeneratorDidNotUse() {
    CpuTicks d = new CpuTicks(500, 700, 100, 30).minus(new CpuTicks(100, 300, 20, 10));
    assertEquals(new CpuTicks(400, 400, 80, 20), d);
    assertEquals(300, d.others());
    assertEquals("| join, 1,000 sessions | 4.0 | 0.80 | 0.20 | 3.00 | 0 % | 3, 45 ms |",
        ReportRows.cpu("join, 1,000 sessions", 4.0, d, 3, 0.045));
  }
}
