package io.greenmesh.carbon.model;

import org.junit.jupiter.api.Test;

import static io.greenmesh.carbon.WorkedExamples.CONSERVATIVE;
import static io.greenmesh.carbon.WorkedExamples.HALF_HOUR_AT_1_5_MBPS;
import static io.greenmesh.carbon.WorkedExamples.OBRINGER;
import static io.greenmesh.carbon.WorkedExamples.ONE_HOUR_AT_1_5_MBPS;
import static io.greenmesh.carbon.WorkedExamples.SWD_V4;
import static io.greenmesh.carbon.WorkedExamples.WATER;
import static io.greenmesh.carbon.WorkedExamples.WORLD;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worked examples of docs/carbon-methodology.md, same numbers. */
class ImpactModelTest {

    private static final AvoidedBytes ONE_TO_ONE = Counterfactual.forCall(2, 1.0, ONE_HOUR_AT_1_5_MBPS);
    private static final AvoidedBytes MESH_OF_FOUR = Counterfactual.forCall(4, 1.0, HALF_HOUR_AT_1_5_MBPS);

    @Test
    void kwhPerGigabyteConvertsToJoulesPerByteWithDecimalGigabytes() {
        assertEquals(1.98e-4, SWD_V4.joulesPerByte(Segment.DATA_CENTRE), 1e-12);
        assertEquals(2.124e-4, SWD_V4.joulesPerByte(Segment.NETWORK), 1e-12);
        assertEquals(4.086e-6, CONSERVATIVE.joulesPerByte(Segment.DATA_CENTRE), 1e-15);
    }

    @Test
    void oneToOneHourUnderSwdV4() {
        Impact impact = ImpactModel.of(ONE_TO_ONE, SWD_V4, WORLD, WATER);

        assertEquals(0.1485 * 3.6e6, impact.dataCentreJoules(), 1e-6);
        assertEquals(0.07965 * 3.6e6, impact.networkJoules(), 1e-6);
        assertEquals(821_340.0, impact.energyJoules(), 1e-6);
        assertEquals(112.7061, impact.co2eGrams(), 1e-9);
        assertEquals(2.00124, impact.waterLitres(), 1e-9);
    }

    @Test
    void oneToOneHourUnderConservative() {
        Impact impact = ImpactModel.of(ONE_TO_ONE, CONSERVATIVE, WORLD, WATER);

        assertEquals(15_892.2, impact.energyJoules(), 1e-6);
        assertEquals(2.180763, impact.co2eGrams(), 1e-9);
        assertEquals(0.0384102, impact.waterLitres(), 1e-10);
    }

    @Test
    void oneToOneHourUnderObringer() {
        Impact impact = ImpactModel.of(ONE_TO_ONE, OBRINGER, WORLD, WATER);

        assertEquals(388_800.0, impact.energyJoules(), 1e-6);
        assertEquals(53.352, impact.co2eGrams(), 1e-9);
        assertEquals(0.8694, impact.waterLitres(), 1e-9);
    }

    @Test
    void meshOfFourHalfHourUnderEachPreset() {
        Impact swd = ImpactModel.of(MESH_OF_FOUR, SWD_V4, WORLD, WATER);
        Impact conservative = ImpactModel.of(MESH_OF_FOUR, CONSERVATIVE, WORLD, WATER);
        Impact obringer = ImpactModel.of(MESH_OF_FOUR, OBRINGER, WORLD, WATER);

        assertEquals(1_355_940.0, swd.energyJoules(), 1e-6);
        assertEquals(186.0651, swd.co2eGrams(), 1e-9);
        assertEquals(3.39714, swd.waterLitres(), 1e-9);
        assertEquals(26_924.4, conservative.energyJoules(), 1e-6);
        assertEquals(3.694626, conservative.co2eGrams(), 1e-9);
        assertEquals(0.0665604, conservative.waterLitres(), 1e-10);
        assertEquals(486_000.0, obringer.energyJoules(), 1e-6);
        assertEquals(66.69, obringer.co2eGrams(), 1e-9);
        assertEquals(1.1232, obringer.waterLitres(), 1e-9);
    }

    @Test
    void nothingAvoidedMeansNoImpact() {
        assertEquals(Impact.ZERO, ImpactModel.of(AvoidedBytes.ZERO, SWD_V4, WORLD, WATER));
    }

    @Test
    void relayEnergyIsItsBytesAtTheDataCentreIntensity() {
        assertEquals(267_300.0, ImpactModel.relayEnergyJoules(1_350_000_000L, SWD_V4), 1e-6);
        assertEquals(5_516.1, ImpactModel.relayEnergyJoules(1_350_000_000L, CONSERVATIVE), 1e-6);
    }

    @Test
    void cleanerGridScalesCo2eButNotEnergy() {
        GridIntensity france = new GridIntensity("FRA", 56.04, 2023, "Ember");

        Impact impact = ImpactModel.of(ONE_TO_ONE, SWD_V4, france, WATER);

        assertEquals(821_340.0, impact.energyJoules(), 1e-6);
        assertEquals(0.22815 * 56.04, impact.co2eGrams(), 1e-9);
    }
}
