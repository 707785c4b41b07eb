package io.greenmesh.turn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.greenmesh.turn.TurnSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relay settings that parse but cannot serve are refused, each by the variable to fix; working shapes pass. */
class RelayConfigCheckTest {
    private static final String VAR = "GREENMESH_TURN_RELAY_ADDRESS";

    /** reference.conf as if these variables were set (root keys stand in for the environment in ${?X}). */
    private static List<String> problems(Map<String, String> env) {
        Config reference = ConfigFactory.parseResources("reference.conf");
        return RelayConfigCheck.problems(
                TurnSettings.fromConfig(ConfigFactory.parseMap(env).withFallback(reference).resolve()), VAR);
    }

    @Test
    void theDocumentedShapesPass() {
        assertEquals(List.of(), problems(Map.of("GREENMESH_TURN_RELAY_ADDRESS", "203.0.113.7")));
        assertEquals(List.of(), problems(Map.of("GREENMESH_TURN_HOST", "127.0.0.1")));
        assertEquals(List.of(), problems(Map.of("GREENMESH_TURN_HOST", "::", "GREENMESH_TURN_RELAY_ADDRESS", "2001:db8::7")));
        assertEquals(List.of(), problems(Map.of("GREENMESH_TURN_ENABLED", "false", "GREENMESH_TURN_HOST", "nowhere")));
    }

    @Test
    void theWildcardHostWithoutARelayAddressIsRefused() {
        assertEquals(List.of("GREENMESH_TURN_RELAY_ADDRESS is not set and GREENMESH_TURN_HOST is 0.0.0.0: set it to the"
                + " relay's public IP address, where peers send media"), problems(Map.of()));
    }

    @Test
    void aRelayAddressThatIsNotAnAddressIsRefused() {
        for (String notAnAddress : List.of("relay.example.com", "1.2.3", "203.0.113.256", "cafe")) {
            assertEquals(List.of(VAR + " '" + notAnAddress + "' is not an IP address, and the relay must tell peers the"
                    + " IP address to send media to (XOR-RELAYED-ADDRESS)"),
                    problems(Map.of(VAR, notAnAddress)), notAnAddress);
        }
        assertEquals(List.of(VAR + " 0.0.0.0 is no address a peer can send media to: set the relay's public IP"
                + " address"), problems(Map.of(VAR, "0.0.0.0")));
    }

    @Test
    void aHostThatIsNotAnAddressIsRefused() {
        assertEquals(List.of("GREENMESH_TURN_HOST 'localhost' is not an IP address to listen on"),
                problems(Map.of("GREENMESH_TURN_HOST", "localhost", VAR, "203.0.113.7")));
    }

    @Test
    void halfATlsPairOrAMissingFileIsRefused(@TempDir Path dir) throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertEquals(List.of("GREENMESH_TURN_TLS_CERT is set but GREENMESH_TURN_TLS_KEY is not: TURN over TLS (port"
                + " 5349) needs both"), problems(Map.of(VAR, "203.0.113.7", "GREENMESH_TURN_TLS_CERT", cert.toString())));
        Path missing = dir.resolve("key.pem");
        assertEquals(List.of("GREENMESH_TURN_TLS_KEY names " + missing + ", which is not a readable file"),
                problems(Map.of(VAR, "203.0.113.7", "GREENMESH_TURN_TLS_CERT", cert.toString(),
                        "GREENMESH_TURN_TLS_KEY", missing.toString())));
    }
}
