package io.greenmesh.loadtest.wsload;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's share of a run: the peers whose channels it serves, its open-loop pacing, and the stats of the
 * current step. Only its event loop touches it (the generator hands it work with {@link EventLoop#submit}), so that
 * sending and receiving take no lock.
 */
final class LoopState {
  final EventLoop loop;
  final List<WsPeer> peers = new ArrayList<>();
  int step = -1;
  StepStats stats = new StepStats();
  private double ratePerNano;
  private long startNanos;
  private long issued;
  private long due;
  long maxLagNanos;
  private io.netty.util.concurrent.ScheduledFuture<?> ticker;

  LoopState(EventLoop loop) {
    this.loop = loop;
  }

  /** Starts step {@code step} at {@code rate} messages/s shared by this loop's peers. */
  void begin(int step, double rate, long startNanos, int sdpEvery) {
    // Ticks only while a step runs on this target: an idle target costs no wake-ups.
    ticker = loop.scheduleAtFixedRate(() -> tick(System.nanoTime(), sdpEvery), 1, 1,
        java.util.concurrent.TimeUnit.MILLISECONDS);
    this.step = step;
    this.stats = new StepStats();
    this.ratePerNano = rate / 1e9;
    this.startNanos = startNanos;
    this.issued = 0;
    this.due = 0;
    this.maxLagNanos = 0;
  }

  /** Stops sending; returns how many messages this loop sent in the step. */
  long end() {
    ratePerNano = 0;
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
    return issued;
  }

  /**
   * Every tick (a millisecond): sends each message whose intended time has come, stamped with that intended time,
   * round-robin over the loop's peers, then flushes each peer once.
   */
  void tick(long now, int sdpEvery) {
    if (ratePerNano == 0 || peers.isEmpty() || now < startNanos) {
      return;
    }
    due = (long) ((now - startNanos) * ratePerNano);
    if (issued < due) {
      long intended = startNanos + (long) (issued / ratePerNano);
      maxLagNanos = Math.max(maxLagNanos, now - intended);
    }
    int n = peers.size();
    while (issued < due) {
      WsPeer p = peers.get((int) (issued % n));
      long intended = startNanos + (long) (issued / ratePerNano);
      p.sendStamped(step, intended, sdpEvery);
      issued++;
    }
    for (WsPeer p : peers) {
      p.flushIfWritten();
    }
  }

  /** Hands over the step's stats; later stragglers count as late in the next. */
  StepStats collect() {
    StepStats s = stats;
    stats = new StepStats();
    step = -1;
    return s;
  }

  /** A stamped message arrived on one of this loop's peers. */
  void received(StampedFrame.Stamp s, long now, boolean inOrder) {
    if (s.step() == step) {
      stats.received(s.sentNanos(), now, inOrder);
    } else {
      stats.late++;
    }
  }
}
