package io.greenmesh.loadtest.signaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time from Linux's /proc in clock ticks (USER_HZ, 100 a second): the whole machine's, the node's and the load
 * generator's. The difference between the machine and the two is what other processes took — on a shared machine
 * it says how far the latencies measured alongside can be trusted.
 */
public record CpuTicks(long machineBusy, long machineTotal, long node, long loadGenerator) {
  public static final int TICKS_PER_SECOND = 100;

  /** Now; the node's share is 0 without its pid, and everything is 0 where /proc cannot be read (not Linux). */
  public static CpuTicks sample(OptionalLong nodePid) {
    try {
      long[] machine = machine(Files.readString(Path.of("/proc/stat")));
      long node = 0;
      if (nodePid.isPresent()) {
        Path stat = Path.of("/proc/" + nodePid.getAsLong() + "/stat");
        node = Files.exists(stat) ? process(Files.readString(stat)) : 0;
      }
      return new CpuTicks(machine[0], machine[1], node, process(Files.readString(Path.of("/proc/self/stat"))));
    } catch (IOException | RuntimeException e) {
      return new CpuTicks(0, 0, 0, 0);
    }
  }

  public CpuTicks minus(CpuTicks earlier) {
    return new CpuTicks(machineBusy - earlier.machineBusy, machineTotal - earlier.machineTotal,
        node - earlier.node, loadGenerator - earlier.loadGenerator);
  }

  /** Busy ticks of processes other than the node and the load generator (never negative). */
  public long others() {
    return Math.max(0, machineBusy - node - loadGenerator);
  }

  /**
   * {@code [busy, total]} from the first line of /proc/stat: {@code cpu user nice system idle iowait irq softirq
   * steal ...}; busy is all but idle and iowait (guest time is already in user).
   */
  static long[] machine(String procStat) {
    String[] f = procStat.lines().findFirst().orElseThrow().trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not /proc/stat: " + f[0]);
    }
    long busy = 0;
    long total = 0;
    for (int i = 1; i <= 8 && i < f.length; i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i != 4 && i != 5) {
        busy += v;
      }
    }
    return new long[] {busy, total};
  }

  /** utime + stime from /proc/PID/stat (fields 14 and 15; the command name in parentheses may hold spaces). */
  static long process(String procPidStat) {
    String[] f = procPidStat.substring(procPidStat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
