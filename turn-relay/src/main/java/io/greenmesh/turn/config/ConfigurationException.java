package io.greenmesh.turn.config;

/**
 * The configuration cannot serve (a token policy with no key, an address that is not one, ...): the process stops
 * with this one-line message, which names the variables to fix. No stack trace: the cause is the configuration.
 */
public final class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message, null, false, false);
    }

    /** Throws when there is any problem, all of them on one line. */
    public static void throwIfAny(java.util.List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(String.join("; ", problems));
        }
    }
}
