package io.greenmesh.turn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A set GREENMESH_* variable that no setting reads is named, with the one probably meant. */
class EnvironmentVariablesTest {
    private static final Set<String> READ = EnvironmentVariables.read(EnvironmentVariablesTest.class.getClassLoader(),
            List.of("greenmesh-turn-logback.xml"));

    @Test
    void theNamesComeFromTheConfigurationOnTheClasspath() {
        assertTrue(READ.containsAll(Set.of("GREENMESH_TURN_SECRET", "GREENMESH_TURN_RELAY_ADDRESS",
                "GREENMESH_TURN_METRICS_PORT")), READ::toString);
        assertTrue(READ.stream().allMatch(n -> n.startsWith("GREENMESH_")), READ::toString);
    }

    @Test
    void aMisspeltVariableIsNamedWithTheNearestRealOne() {
        assertEquals(List.of("GREENMESH_TURN_SECRETS is set but no setting reads it; did you mean GREENMESH_TURN_SECRET?"),
                EnvironmentVariables.unread(Map.of("GREENMESH_TURN_SECRETS", "s", "GREENMESH_TURN_SECRET", "s"), READ));
        assertEquals(List.of("GREENMESH_TURN_RELAY_ADRESS is set but no setting reads it; did you mean"
                + " GREENMESH_TURN_RELAY_ADDRESS?"),
                EnvironmentVariables.unread(Map.of("GREENMESH_TURN_RELAY_ADRESS", "203.0.113.7"), READ));
    }

    @Test
    void aVariableLikeNoRealOneIsNamedWithoutAGuess() {
        assertEquals(List.of("GREENMESH_COLOUR_SCHEME is set but no setting reads it (docs/configuration.md lists them"
                + " all)"), EnvironmentVariables.unread(Map.of("GREENMESH_COLOUR_SCHEME", "dark"), READ));
    }

    @Test
    void readVariablesAndOtherProgramsVariablesAreLeftAlone() {
        assertEquals(List.of(), EnvironmentVariables.unread(
                Map.of("GREENMESH_TURN_PORT", "3478", "PATH", "/bin", "GREENMESHY", "x"), READ));
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, EnvironmentVariables.editDistance("abc", "abc"));
        assertEquals(1, EnvironmentVariables.editDistance("abc", "abcd"));
        assertEquals(1, EnvironmentVariables.editDistance("abcd", "abd"));
        assertEquals(1, EnvironmentVariables.editDistance("abc", "abd"));
        assertEquals(3, EnvironmentVariables.editDistance("", "abc"));
        assertNull(EnvironmentVariables.nearest("GREENMESH_X", Set.of()));
    }
}
