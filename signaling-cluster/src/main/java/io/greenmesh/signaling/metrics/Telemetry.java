package io.greenmesh.signaling.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * One Prometheus registry per actor system, reachable from any actor. Several nodes in one JVM (the in-JVM cluster
 * tests) each get their own, as separate processes would.
 */
public final class Telemetry implements Extension {
  private static final ExtensionId<Telemetry> ID = new ExtensionId<>() {
    @Override
    public Telemetry createExtension(ActorSystem<?> system) {
      return new Telemetry();
    }
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SignalingMetrics signaling;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  private Telemetry() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    signaling = new SignalingMetrics(registry);
  }

  public static Telemetry get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public SignalingMetrics signaling() {
    return signaling;
  }

  public void close() {
    gc.close();
    registry.close();
  }
}
