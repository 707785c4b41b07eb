package io.greenmesh.turn.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code GREENMESH_*} variables a process reads, and the set ones it does not. A misspelt variable is otherwise
 * ignored without a word ({@code ${?GREENMESH_...}} only substitutes what exists), and the node starts on defaults
 * that look healthy. The names are derived from the configuration on the classpath, so they cannot drift from it:
 * every {@code ${?GREENMESH_...}} in a {@code reference.conf} or {@code application.conf}, and every
 * {@code ${GREENMESH_...:-default}} in the named logback files.
 */
public final class EnvironmentVariables {
    private static final String PREFIX = "GREENMESH_";
    private static final Pattern HOCON = Pattern.compile("\\$\\{\\?(GREENMESH_[A-Z0-9_]+)}");
    private static final Pattern LOGBACK = Pattern.compile("\\$\\{(GREENMESH_[A-Z0-9_]+):-");

    private EnvironmentVariables() {
    }

    /** Every variable the configuration files on {@code loader}'s classpath read. */
    public static Set<String> read(ClassLoader loader, List<String> logbackFiles) {
        Set<String> names = new TreeSet<>();
        for (String conf : List.of("reference.conf", "application.conf")) {
            collect(loader, conf, HOCON, names);
        }
        for (String logback : logbackFiles) {
            collect(loader, logback, LOGBACK, names);
        }
        return names;
    }

    /**
     * One warning per {@code GREENMESH_*} variable in {@code environment} that is not in {@code read}, naming the
     * nearest real variable when one is close enough to be the one meant.
     */
    public static List<String> unread(Map<String, String> environment, Set<String> read) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (name.startsWith(PREFIX) && !read.contains(name)) {
                String nearest = nearest(name, read);
                warnings.add(name + " is set but no setting reads it"
                        + (nearest == null ? " (docs/configuration.md lists them all)" : "; did you mean " + nearest + "?"));
            }
        }
        return warnings;
    }

    /** The name in {@code candidates} fewest edits away, or null when even that is too far to be a typo. */
    static String nearest(String name, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // The shared prefix alone makes any two names look alike: a third of the rest may differ, at least 2 edits.
        int allowed = Math.max(2, (name.length() - PREFIX.length()) / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static void collect(ClassLoader loader, String resource, Pattern pattern, Set<String> into) {
        try {
            for (URL url : Collections.list(loader.getResources(resource))) {
                try (InputStream in = url.openStream()) {
                    Matcher m = pattern.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    while (m.find()) {
                        into.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
        }
    }
}
