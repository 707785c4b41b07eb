package io.greenmesh.signaling.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void allowsTheBurstThenTheRate() {
    TokenBucket b = new TokenBucket(10, 3, 0);
    assertTrue(b.tryTake(0));
    assertTrue(b.tryTake(0));
    assertTrue(b.tryTake(0));
    assertFalse(b.tryTake(0));
    assertTrue(b.tryTake(100_000_000)); // 100 ms at 10/s refills one
    assertFalse(b.tryTake(100_000_000));
  }
}
