package io.greenmesh.turn.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import io.greenmesh.turn.TurnServer;
import io.greenmesh.turn.TurnSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coturn's own test client against our relay: {@code turnutils_uclient} allocates (with RTCP reservations),
 * binds channels and sends to {@code turnutils_peer}, which echoes. Everything on 127.0.0.1; both processes are
 * started here and stopped by their handles. In CI a missing coturn fails the test; elsewhere it skips.
 */
class CoturnUclientInteropTest {

    private static final String SECRET = "interop-secret";
    private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
    private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");

    private static String uclient;
    private static String peer;

    @BeforeAll
    static void findCoturn() {
        uclient = onPath("turnutils_uclient");
        peer = onPath("turnutils_peer");
        boolean present = uclient != null && peer != null;
        if (System.getenv("CI") != null && !System.getenv("CI").isBlank() && !present) {
            fail("coturn's turnutils_uclient/turnutils_peer are required in CI: apt-get install -y coturn");
        }
        assumeTrue(present, "coturn tools not installed (apt-get install -y coturn)");
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    private static TurnServer relay(String mode, SimpleMeterRegistry registry) {
        Map<String, Object> turn = new HashMap<>(Map.of("host", "127.0.0.1", "port", 0, "secret", SECRET,
                "allow-loopback-peers", true, "mode", mode, "rfc5766-channels", true,
                "max-allocations-per-user", 100, "relay-port-min", 43000, "relay-port-max", 43999,
                "metrics-port", 0));
        turn.put("unauthenticated-rate", 1000);
        turn.put("unauthenticated-burst", 1000);
        TurnSettings settings = TurnSettings.fromConfig(ConfigFactory.parseMap(Map.of("greenmesh.turn", turn))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        return TurnServer.start(settings, registry);
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Runs uclient to completion (bounded) against a fresh echo peer and returns its output. */
    private static String runUclient(int relayPort, int clients, int messages, Path dir) throws Exception {
        int peerPort = freeUdpPort();
        Process echo = new ProcessBuilder(peer, "-L", "127.0.0.1", "-p", Integer.toString(peerPort))
                .redirectErrorStream(true).redirectOutput(dir.resolve("peer.log").toFile()).start();
        try {
            Thread.sleep(300);
            Path out = dir.resolve("uclient.log");
            List<String> command = new ArrayList<>(List.of(uclient, "-W", SECRET, "-u", "interop",
                    "-m", Integer.toString(clients), "-n", Integer.toString(messages), "-l", "160", "-z", "5",
                    "-e", "127.0.0.1", "-r", Integer.toString(peerPort), "-p", Integer.toString(relayPort),
                    "127.0.0.1"));
            Process client = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!client.waitFor(90, TimeUnit.SECONDS)) {
                client.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail("turnutils_uclient did not finish in 90 s:\n" + Files.readString(out));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            echo.destroy();
            if (!echo.waitFor(5, TimeUnit.SECONDS)) {
                echo.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static long[] finalTotals(String output) {
        Matcher totals = TOTALS.matcher(output);
        long[] last = null;
        while (totals.find()) {
            last = new long[] {Long.parseLong(totals.group(1)), Long.parseLong(totals.group(2))};
        }
        assertTrue(last != null, "no totals in uclient output:\n" + output);
        return last;
    }

    private static double dropped(SimpleMeterRegistry registry) {
        return registry.find("greenmesh.turn.dropped.packets").counters().stream()
                .filter(c -> !List.of("unauthenticated_budget", "malformed_request").contains(c.getId().getTag("reason")))
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void withTheCheckOffUclientCompletesEveryAllocationWithNoLoss(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TurnServer server = relay("off", registry)) {
            String output = runUclient(server.udpPort(), 2, 100, dir);
            long[] totals = finalTotals(output);
            assertTrue(totals[0] >= 200, output);
            assertEquals(totals[0], totals[1], "every echo came back:\n" + output);
            Matcher lost = LOST.matcher(output);
            assertTrue(lost.find(), output);
            assertEquals("0", lost.group(1));
            assertTrue(server.relayedBytes().getAsLong() >= 2 * 200 * 160, "both directions counted");
        }
    }

    @Test
    void enforcingDropsUclientsUnencryptedPayloadsAndCountsThem(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TurnServer server = relay("enforce", registry)) {
            String output = runUclient(server.udpPort(), 1, 20, dir);
            long[] totals = finalTotals(output);
            assertTrue(totals[0] >= 20, output);
            assertEquals(0, totals[1], "nothing got through:\n" + output);
            assertTrue(dropped(registry) >= totals[0], "every payload counted as dropped, got " + dropped(registry)
                    + " for " + totals[0] + " sent");
            assertEquals(0, server.relayedBytes().getAsLong());
        }
    }
}
