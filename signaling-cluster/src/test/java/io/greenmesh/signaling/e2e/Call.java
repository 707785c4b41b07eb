package io.greenmesh.signaling.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Two demo pages of one room once their call is up: what each saw of the other, and when. */
record Call(DemoPage ada, DemoPage bob, Map<String, Object> adaSeesBob, Map<String, Object> bobSeesAda,
    Instant upAt) {

  /** Waits (bounded) until each page has one peer, connected, with a selected pair, decoding its video. */
  static Call await(DemoPage ada, DemoPage bob, Duration deadline) {
    Instant started = Instant.now();
    Map<String, Object> adaSeesBob = null;
    Map<String, Object> bobSeesAda = null;
    while (Instant.now().isBefore(started.plus(deadline))) {
      adaSeesBob = ada.onlyPeer();
      bobSeesAda = bob.onlyPeer();
      if (inCall(adaSeesBob) && inCall(bobSeesAda)) {
        System.out.printf("call up after %d ms: A sees %s%n  B sees %s%n",
            Duration.between(started, Instant.now()).toMillis(), adaSeesBob, bobSeesAda);
        return new Call(ada, bob, adaSeesBob, bobSeesAda, Instant.now());
      }
      sleep(250);
    }
    return fail("no call within " + deadline.toSeconds() + " s; A sees " + adaSeesBob + " (status: "
        + ada.status() + "), B sees " + bobSeesAda + " (status: " + bob.status() + ")");
  }

  private static boolean inCall(Map<String, Object> link) {
    return link != null
        && "connected".equals(link.get("connectionState"))
        && DemoPage.number(link, "framesDecoded") > 0
        && link.get("localCandidateType") != null;
  }

  /** Polls {@code condition} every 200 ms until it holds; fails the test after {@code timeout}. */
  static void eventually(String what, Duration timeout, BooleanSupplier condition) {
    eventually(() -> what, timeout, condition);
  }

  /** As {@link #eventually(String, Duration, BooleanSupplier)}, describing the failure as it is then. */
  static void eventually(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        fail("not within " + timeout.toSeconds() + " s: " + what.get());
      }
      sleep(200);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the call", e);
    }
  }
}
