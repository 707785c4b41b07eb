package io.greenmesh.carbon;

import com.typesafe.config.Config;
import io.greenmesh.carbon.accounting.CallLedger;
import io.greenmesh.carbon.accounting.CallRoster;
import io.greenmesh.carbon.accounting.CallTraffic;
import io.greenmesh.carbon.accounting.LedgerListener;
import io.greenmesh.carbon.accounting.RejectReason;
import io.greenmesh.carbon.accounting.RelayCounter;
import io.greenmesh.carbon.accounting.ReportResult;
import io.greenmesh.carbon.accounting.StatsReport;
import io.greenmesh.carbon.accounting.SuspicionKind;
import io.greenmesh.carbon.accounting.TrafficTally;
import io.greenmesh.carbon.config.CarbonConfig;
import io.greenmesh.carbon.metrics.CarbonMeters;
import io.greenmesh.carbon.model.AvoidedBytes;
import io.greenmesh.carbon.model.EnergyPreset;
import io.greenmesh.carbon.model.ImpactModel;
import io.greenmesh.carbon.model.MediaPath;
import io.greenmesh.carbon.model.Spread;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The facade the signaling node uses: one per process, thread-safe.
 *
 * <pre>{@code
 * CarbonAccountant carbon = CarbonAccountant.create(config, meterRegistry);
 * ReportResult r = carbon.accept(callId, report, roster);        // on every client stats report
 * carbon.recordRelayedBytes(relayId, cumulativeBytes);           // on every TURN relay counter reading
 * Optional<CallSummary> s = carbon.closeCall(callId);            // when the call ends -> carbon-report message
 * carbon.closeIdleCalls(Duration.ofMinutes(2));                  // now and then: calls whose end was missed
 * Summary total = carbon.summary();                              // GET /v1/carbon/summary
 * }</pre>
 */
public final class CarbonAccountant {

    private final CarbonConfig config;
    private final CarbonMeters meters;
    private final Clock clock;
    private final Map<String, OpenCall> calls = new ConcurrentHashMap<>();
    private final Map<String, RelayCounter> relays = new HashMap<>();
    private final Listener listener = new Listener();

    private final TrafficTally tally = new TrafficTally();
    private long relayBytes;
    private long rejections;
    private long suspicious;

    /** A ledger and when it last saw a report (this process's clock), for {@link #closeIdleCalls}. */
    private record OpenCall(CallLedger ledger, AtomicLong lastActivityMillis) {
    }

    public CarbonAccountant(CarbonConfig config, MeterRegistry registry) {
        this(config, registry, Clock.systemUTC());
    }

    public CarbonAccountant(CarbonConfig config, MeterRegistry registry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.meters = new CarbonMeters(Objects.requireNonNull(registry, "registry"), config);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Parses {@code greenmesh.carbon} from a resolved root config (e.g. the actor system's). */
    public static CarbonAccountant create(Config root, MeterRegistry registry) {
        return new CarbonAccountant(CarbonConfig.from(root), registry);
    }

    public CarbonConfig config() {
        return config;
    }

    /**
     * The ledger of a call, created on first use. Call ids must be unique per call (not the room name), so that a
     * late report cannot add to a call that was already summarised.
     */
    public CallLedger openCall(String callId) {
        OpenCall call = calls.computeIfAbsent(callId, id -> new OpenCall(new CallLedger(id, config.simulcastFactor(),
                config.rateCeilingBitsPerSecond(), listener), new AtomicLong()));
        call.lastActivityMillis().set(clock.millis());
        return call.ledger();
    }

    /**
     * Counts one client report for a call (opening its ledger if needed).
     *
     * @param roomMembers  peer ids in the call's room now, reporter included
     */
    public ReportResult accept(String callId, StatsReport report, Set<String> roomMembers) {
        return openCall(callId).accept(report, roomMembers);
    }

    /**
     * Counts one client report for a call (opening its ledger if needed), with the join times that let a link's
     * first report count from the link's start.
     */
    public ReportResult accept(String callId, StatsReport report, CallRoster roster) {
        return openCall(callId).accept(report, roster);
    }

    /** One reading of a single TURN relay's cumulative relayed-bytes counter. */
    public void recordRelayedBytes(long cumulativeBytes) {
        recordRelayedBytes("default", cumulativeBytes);
    }

    /** One reading of the cumulative relayed-bytes counter of the relay instance {@code relayId}. */
    public synchronized void recordRelayedBytes(String relayId, long cumulativeBytes) {
        long delta = relays.computeIfAbsent(relayId, id -> new RelayCounter()).advance(cumulativeBytes);
        if (delta > 0) {
            relayBytes += delta;
            meters.recordRelayBytes(delta);
        }
    }

    /** Stops accounting a call and says what it avoided; empty if the call was never opened. */
    public Optional<CallSummary> closeCall(String callId) {
        OpenCall call = calls.remove(callId);
        if (call == null) {
            return Optional.empty();
        }
        CallTraffic traffic = call.ledger().traffic();
        return Optional.of(CallSummary.of(callId, traffic,
                PresetImpact.all(traffic.avoided(), config.presets(), config.grid(), config.water())));
    }

    /**
     * Closes every call without a report or {@link #openCall} for longer than {@code maxIdle}, e.g. calls whose end
     * the node missed, or ledgers reopened by a report that arrived after {@link #closeCall}. Their totals stay in
     * {@link #summary()}.
     */
    public List<CallSummary> closeIdleCalls(Duration maxIdle) {
        long cutoff = clock.millis() - maxIdle.toMillis();
        List<CallSummary> closed = new ArrayList<>();
        for (Map.Entry<String, OpenCall> entry : calls.entrySet()) {
            if (entry.getValue().lastActivityMillis().get() < cutoff) {
                closeCall(entry.getKey()).ifPresent(closed::add);
            }
        }
        return closed;
    }

    /** Totals since this process started. */
    public synchronized Summary summary() {
        CallTraffic traffic = tally.snapshot();
        AvoidedBytes avoided = traffic.avoided();
        List<PresetImpact> impacts = PresetImpact.all(avoided, config.presets(), config.grid(), config.water());
        Map<String, Double> relayEnergy = new LinkedHashMap<>();
        for (EnergyPreset preset : config.presets()) {
            relayEnergy.put(preset.name(), ImpactModel.relayEnergyJoules(relayBytes, preset));
        }
        return new Summary(Summary.BASIS, config.grid().zone(), config.grid().gramsPerKwh(), traffic.directBytes(),
                traffic.relayedBytes(), traffic.counterfactualBytes(), avoided.dataCentre(), avoided.network(), relayBytes, impacts,
                relayEnergy,
                Spread.of(impacts.stream().map(PresetImpact::avoidedEnergyJoules).toList()),
                Spread.of(impacts.stream().map(PresetImpact::avoidedCo2eGrams).toList()),
                Spread.of(impacts.stream().map(PresetImpact::avoidedWaterLiters).toList()),
                calls.size(), rejections, suspicious);
    }

    /** Feeds process totals and meters from every ledger; ledgers call it under their own lock. */
    private final class Listener implements LedgerListener {

        @Override
        public void onDelta(MediaPath path, long bytes, double counterfactual, AvoidedBytes saved) {
            synchronized (CarbonAccountant.this) {
                tally.add(path, bytes, counterfactual, saved);
            }
            meters.recordMedia(path, bytes);
            meters.recordCounterfactualServerBytes(counterfactual);
            meters.recordAvoided(saved);
        }

        @Override
        public void onRejection(RejectReason reason) {
            synchronized (CarbonAccountant.this) {
                rejections++;
            }
            meters.recordRejection(reason);
        }

        @Override
        public void onSuspicion(SuspicionKind kind) {
            synchronized (CarbonAccountant.this) {
                suspicious++;
            }
            meters.recordSuspicion(kind);
        }
    }
}
