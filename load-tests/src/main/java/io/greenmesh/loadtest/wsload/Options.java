package io.greenmesh.loadtest.wsload;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Command-line {@code --name value} pairs and the hard time limit every generator of this package keeps. */
final class Options {
  private Options() {}

  /** The options, or exit 64 with the usage on an unknown option, a missing value or a missing required one. */
  static Map<String, String> parse(String[] args, Set<String> known, String usage, String required) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 >= args.length) {
        System.err.println("unknown option or missing value: " + args[i]);
        System.err.print(usage);
        System.exit(64);
      }
      options.put(name, args[++i]);
    }
    if (!options.containsKey(required)) {
      System.err.println("--" + required + " is required");
      System.err.print(usage);
      System.exit(64);
    }
    return options;
  }

  /** Halts the JVM after {@code seconds}, whatever it is doing: every run is bounded in time. */
  static void watchdog(long seconds, String name) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        System.out.println("[" + name + "] --max-seconds " + seconds + " reached; stopping");
        Runtime.getRuntime().halt(2);
      } catch (InterruptedException ignored) {
        // the run finished
      }
    }, "watchdog");
    t.setDaemon(true);
    t.start();
  }
}
