package io.greenmesh.signaling.limits;

import io.greenmesh.signaling.metrics.Telemetry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/** This node's {@link NodeLimits}, reachable from the HTTP routes, sessions and rooms alike. */
public final class Limits implements Extension {
  private static final ExtensionId<Limits> ID = new ExtensionId<>() {
    @Override
    public Limits createExtension(ActorSystem<?> system) {
      return new Limits(new NodeLimits(LimitSettings.from(system.settings().config()),
          Telemetry.get(system).registry()));
    }
  };

  private final NodeLimits limits;

  private Limits(NodeLimits limits) {
    this.limits = limits;
  }

  public static NodeLimits get(ActorSystem<?> system) {
    return ID.apply(system).limits;
  }
}
