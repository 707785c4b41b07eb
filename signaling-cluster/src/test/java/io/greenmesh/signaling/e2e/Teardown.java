package io.greenmesh.signaling.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Closes what a test set up, in the order given, each even when an earlier one failed: a browser that will not quit
 * must not leave the node, coturn or the network namespace behind. Nulls (never set up) are skipped; the first failure
 * is rethrown with the later ones suppressed.
 */
public final class Teardown {

  private Teardown() {}

  public static void closeAll(AutoCloseable... resources) {
    closeAll(Arrays.asList(resources));
  }

  public static void closeAll(List<? extends AutoCloseable> resources) {
    RuntimeException first = null;
    for (AutoCloseable resource : new ArrayList<>(resources)) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException("teardown: " + e, e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
