package io.greenmesh.turn.server;

import io.greenmesh.turn.attribute.Octets;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relay ports held for a later Allocate (RFC 8656 §7.2, EVEN-PORT with R=1): the odd port next to an even
 * relayed port, handed over to whoever presents the RESERVATION-TOKEN within {@code holdMillis}.
 */
final class RelayReservations {

    private record Held(RelaySocket channel, long expiresAtMillis) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<Octets, Held> held = new ConcurrentHashMap<>();
    private final long holdMillis;
    private final int max;

    RelayReservations(long holdMillis, int max) {
        this.holdMillis = holdMillis;
        this.max = max;
    }

    /** Holds {@code channel}; returns its token, or null (channel closed) when too many are held. */
    Octets hold(RelaySocket channel, long nowMillis) {
        if (held.size() >= max) {
            closeQuietly(channel);
            return null;
        }
        byte[] token = new byte[8];
        random.nextBytes(token);
        Octets key = Octets.of(token);
        held.put(key, new Held(channel, nowMillis + holdMillis));
        return key;
    }

    /** The held channel for a token, removed from the reservations; null when unknown or expired. */
    RelaySocket take(Octets token, long nowMillis) {
        Held h = held.remove(token);
        if (h == null) {
            return null;
        }
        if (nowMillis >= h.expiresAtMillis()) {
            closeQuietly(h.channel());
            return null;
        }
        return h.channel();
    }

    void purge(long nowMillis) {
        held.values().removeIf(h -> {
            if (nowMillis >= h.expiresAtMillis()) {
                closeQuietly(h.channel());
                return true;
            }
            return false;
        });
    }

    private static void closeQuietly(RelaySocket channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }
}
