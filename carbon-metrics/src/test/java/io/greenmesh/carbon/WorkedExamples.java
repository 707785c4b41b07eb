package io.greenmesh.carbon;

import io.greenmesh.carbon.model.EnergyPreset;
import io.greenmesh.carbon.model.GridIntensity;
import io.greenmesh.carbon.model.WaterFactors;

/** The constants of the worked examples in docs/carbon-methodology.md, shared by the tests that assert them. */
public final class WorkedExamples {

    public static final EnergyPreset CONSERVATIVE = new EnergyPreset("conservative", 0.001, 1.135, 0.001, "CCF");
    public static final EnergyPreset SWD_V4 = new EnergyPreset("swd-v4", 0.055, 1.0, 0.059, "SWD v4");
    public static final EnergyPreset OBRINGER = new EnergyPreset("obringer-2021", 0.01, 1.0, 0.06, "Obringer");
    public static final GridIntensity WORLD = new GridIntensity("WORLD", 494, 0, "SWD v4");
    public static final WaterFactors WATER = new WaterFactors(1.8, 7.6, "Shehabi 2016");

    /** 1.5 Mbit/s for one hour: 1.5e6 / 8 × 3600. */
    public static final long ONE_HOUR_AT_1_5_MBPS = 675_000_000L;
    /** 1.5 Mbit/s for 30 minutes. */
    public static final long HALF_HOUR_AT_1_5_MBPS = 337_500_000L;

    private WorkedExamples() {
    }
}
