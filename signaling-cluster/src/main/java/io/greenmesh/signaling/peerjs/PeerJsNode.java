package io.greenmesh.signaling.peerjs;

import io.greenmesh.signaling.config.SignalingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** What every PeerJS connection of a node shares. */
record PeerJsNode(
    PeerJsSettings settings,
    SignalingSettings limits,
    ClusterSharding sharding,
    PeerJsDirectory directory,
    PeerJsMetrics metrics) {}
