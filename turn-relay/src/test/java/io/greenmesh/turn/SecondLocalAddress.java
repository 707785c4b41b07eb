package io.greenmesh.turn;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second address of this host, as a laptop's LAN address or a VM's interface address is beside loopback: the
 * root end of a veth pair whose other end is in a network namespace of the test's own ({@code gm-relay-<pid>-<n>}),
 * both ends in a /30 of the benchmarking range 198.19.0.0/16 (half of 198.18.0.0/15). Traffic to it stays on this
 * host (a local address is delivered over loopback). Needs root and {@code ip netns}: skips the test without them,
 * fails when {@code CI} is set. {@link #close()} (or a shutdown hook) deletes the namespace and so both ends.
 */
final class SecondLocalAddress implements AutoCloseable {

    private static final String IP = "/usr/sbin/ip";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int BASE = (198 << 24) | (19 << 16);

    private final String namespace;
    private final InetAddress address;
    private final Thread hook;

    private SecondLocalAddress(String namespace, InetAddress address) {
        this.namespace = namespace;
        this.address = address;
        this.hook = new Thread(this::remove, "remove " + namespace);
    }

    static SecondLocalAddress create() {
        long pid = ProcessHandle.current().pid();
        int sequence = SEQUENCE.incrementAndGet();
        if (!new File(IP).canExecute() || !"0".equals(run("id", "-u").strip()) || run(IP, "netns", "list") == null) {
            String why = "a second local address needs root and `ip netns` (Debian: iproute2)";
            if (System.getenv("CI") != null) {
                fail("CI is set but " + why);
            }
            assumeTrue(false, "skipping: " + why);
        }
        String id = Long.toString(pid, 36) + "x" + Integer.toString(sequence, 36);
        String inUse = run(IP, "-4", "-o", "addr", "show");
        int block = (int) Math.floorMod(pid * 31 + sequence, 1 << 14);
        while (inUse.contains(" " + text(BASE + block * 4 + 1) + "/")) {
            block = (block + 1) % (1 << 14);
        }
        SecondLocalAddress second = new SecondLocalAddress("gm-relay-" + pid + "-" + sequence,
                literal(BASE + block * 4 + 1));
        Runtime.getRuntime().addShutdownHook(second.hook);
        String host = "gmr" + id + "h";
        String inside = "gmr" + id + "n";
        try {
            must(IP, "netns", "add", second.namespace);
            must(IP, "link", "add", host, "type", "veth", "peer", "name", inside, "netns", second.namespace);
            must("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + host + "/disable_ipv6");
            must(IP, "addr", "add", text(BASE + block * 4 + 1) + "/30", "dev", host);
            must(IP, "link", "set", host, "up");
            must(IP, "-n", second.namespace, "addr", "add", text(BASE + block * 4 + 2) + "/30", "dev", inside);
            must(IP, "-n", second.namespace, "link", "set", inside, "up");
        } catch (RuntimeException e) {
            second.close();
            throw e;
        }
        return second;
    }

    /** The address, bound on an interface of the root namespace (where the relay runs). */
    InetAddress address() {
        return address;
    }

    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void remove() {
        run(IP, "netns", "delete", namespace);
    }

    private static String text(int value) {
        return literal(value).getHostAddress();
    }

    private static InetAddress literal(int value) {
        try {
            return InetAddress.getByAddress(new byte[] {
                    (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void must(String... command) {
        if (run(command) == null) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** Runs {@code command} (at most 20 s); its output when it exited 0, else null. */
    private static String run(String... command) {
        try {
            Path log = Files.createTempFile("greenmesh-relay-netns-", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return null;
                }
                return process.exitValue() == 0 ? Files.readString(log, StandardCharsets.UTF_8) : null;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
