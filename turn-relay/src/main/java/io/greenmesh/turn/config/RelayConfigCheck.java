package io.greenmesh.turn.config;

import io.greenmesh.turn.TurnSettings;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Relay settings that parse but cannot serve: an address that is not one, TLS half configured (it would silently
 * stay off), a certificate file that is not there. Found before anything binds, each named by its variable.
 */
public final class RelayConfigCheck {

    private RelayConfigCheck() {
    }

    /**
     * The problems of {@code s}; {@code relayAddressVariable} names where {@link TurnSettings#relayAddress()} came from
     * (the embedded relay takes the node's public host when its own is unset).
     */
    public static List<String> problems(TurnSettings s, String relayAddressVariable) {
        List<String> problems = new ArrayList<>();
        if (!s.enabled()) {
            return problems;
        }
        Optional<InetAddress> host = IpLiteral.parse(s.host());
        if (host.isEmpty()) {
            problems.add("GREENMESH_TURN_HOST '" + s.host() + "' is not an IP address to listen on");
        }
        if (!s.relayAddress().isBlank()) {
            Optional<InetAddress> relay = IpLiteral.parse(s.relayAddress());
            if (relay.isEmpty()) {
                problems.add(relayAddressVariable + " '" + s.relayAddress() + "' is not an IP address, and the relay"
                        + " must tell peers the IP address to send media to (XOR-RELAYED-ADDRESS)");
            } else if (relay.get().isAnyLocalAddress()) {
                problems.add(relayAddressVariable + " " + s.relayAddress() + " is no address a peer can send media"
                        + " to: set the relay's public IP address");
            }
        } else if (host.isPresent() && host.get().isAnyLocalAddress()) {
            problems.add("GREENMESH_TURN_RELAY_ADDRESS is not set and GREENMESH_TURN_HOST is " + s.host()
                    + ": set it to the relay's public IP address, where peers send media");
        }
        pemPair(problems, "GREENMESH_TURN_TLS_CERT", s.tlsCert(), "GREENMESH_TURN_TLS_KEY", s.tlsKey(),
                "TURN over TLS (port " + s.tlsPort() + ")");
        return problems;
    }

    /** A certificate and key that only work together: one without the other, or a path that is no file, is a problem. */
    public static void pemPair(List<String> problems, String certVariable, String cert, String keyVariable, String key,
            String what) {
        if (cert.isBlank() != key.isBlank()) {
            String set = cert.isBlank() ? keyVariable : certVariable;
            String unset = cert.isBlank() ? certVariable : keyVariable;
            problems.add(set + " is set but " + unset + " is not: " + what + " needs both");
            return;
        }
        readable(problems, certVariable, cert);
        readable(problems, keyVariable, key);
    }

    /** Each path in {@code paths} must be a readable file. */
    public static void readable(List<String> problems, String variable, String... paths) {
        for (String path : paths) {
            if (!path.isBlank() && !Files.isReadable(Path.of(path))) {
                problems.add(variable + " names " + path + ", which is not a readable file");
            }
        }
    }
}
