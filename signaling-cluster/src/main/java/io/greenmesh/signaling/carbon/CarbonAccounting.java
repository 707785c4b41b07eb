package io.greenmesh.signaling.carbon;

import io.greenmesh.carbon.CarbonAccountant;
import io.greenmesh.signaling.metrics.Telemetry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * This node's carbon accountant. Each room accounts its call on the node that hosts the room; Prometheus sums the
 * nodes, and GET /v1/carbon/summary shows this node's share.
 */
public final class CarbonAccounting implements Extension {
  private static final ExtensionId<CarbonAccounting> ID = new ExtensionId<>() {
    @Override
    public CarbonAccounting createExtension(ActorSystem<?> system) {
      return new CarbonAccounting(
          CarbonAccountant.create(system.settings().config(), Telemetry.get(system).registry()));
    }
  };

  private final CarbonAccountant accountant;

  private CarbonAccounting(CarbonAccountant accountant) {
    this.accountant = accountant;
  }

  public static CarbonAccountant get(ActorSystem<?> system) {
    return ID.apply(system).accountant;
  }
}
