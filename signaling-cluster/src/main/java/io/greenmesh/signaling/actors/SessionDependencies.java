package io.greenmesh.signaling.actors;

import io.greenmesh.signaling.config.SignalingSettings;
import io.greenmesh.signaling.ice.IceServerProvider;
import io.greenmesh.signaling.metrics.SignalingMetrics;
import io.greenmesh.signaling.session.SessionTokens;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** What every session actor of a node shares. */
public record SessionDependencies(
    SignalingSettings settings,
    SessionTokens tokens,
    IceServerProvider iceServers,
    ClusterSharding sharding,
    SignalingMetrics metrics,
    LocalSessions localSessions,
    io.greenmesh.signaling.auth.RoomTokens roomTokens) {}
