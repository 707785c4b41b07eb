package io.greenmesh.loadtest.turn;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Which offered rate to try next when looking for the highest rate with acceptable loss. Rates grow geometrically
 * from {@code start} by {@code factor} until a step fails; a failed step is tried once more (a shared machine has
 * hiccups), and once it fails twice the interval between the last good rate and the failed one is bisected
 * {@code refinements} times. Never more than {@code maxSteps} steps, never above {@code maxRate}.
 */
final class RateSteps {
  private final double factor;
  private final double maxRate;
  private final int maxSteps;
  private int refinementsLeft;
  private final List<double[]> history = new ArrayList<>();
  private double next;
  private double bestPassed = 0;
  private double lowestFailed = Double.POSITIVE_INFINITY;
  private boolean retried = false;
  private boolean bisecting = false;
  private int inconclusiveInARow = 0;

  RateSteps(double start, double factor, double maxRate, int maxSteps, int refinements) {
    if (start <= 0 || factor <= 1 || maxRate < start || maxSteps < 1 || refinements < 0) {
      throw new IllegalArgumentException("bad rate steps: start " + start + ", factor " + factor + ", max "
          + maxRate + ", steps " + maxSteps + ", refinements " + refinements);
    }
    this.next = start;
    this.factor = factor;
    this.maxRate = maxRate;
    this.maxSteps = maxSteps;
    this.refinementsLeft = refinements;
  }

  /** The rate to try now, or empty when the search is over. */
  OptionalDouble next() {
    return history.size() >= maxSteps || Double.isNaN(next) ? OptionalDouble.empty() : OptionalDouble.of(next);
  }

  /**
   * The step could not judge the server (the generator itself fell behind the offered rate on the shared cores):
   * the same rate is tried again, at most twice in a row; after that it counts as a failure. Counts as a step.
   */
  void inconclusive(double rate) {
    if (++inconclusiveInARow > 2) {
      record(rate, false);
      return;
    }
    history.add(new double[] {rate, -1});
    next = rate;
  }

  /** Records the outcome of the rate {@link #next} returned. */
  void record(double rate, boolean passed) {
    inconclusiveInARow = 0;
    history.add(new double[] {rate, passed ? 1 : 0});
    if (passed) {
      bestPassed = Math.max(bestPassed, rate);
      retried = false;
    } else if (!bisecting && !retried) {
      retried = true;
      next = rate;
      return;
    } else {
      lowestFailed = Math.min(lowestFailed, rate);
      bisecting = true;
    }
    if (!bisecting) {
      next = rate >= maxRate ? Double.NaN : Math.min(maxRate, rate * factor);
      return;
    }
    if (refinementsLeft == 0 || lowestFailed - bestPassed < 0.02 * lowestFailed) {
      next = Double.NaN;
      return;
    }
    refinementsLeft--;
    double low = bestPassed > 0 ? bestPassed : lowestFailed / 2;
    next = Math.round((low + lowestFailed) / 2);
  }

  /** The highest rate that passed, 0 if none did. */
  double bestPassed() {
    return bestPassed;
  }

  int steps() {
    return history.size();
  }
}
