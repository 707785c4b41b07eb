package io.greenmesh.carbon.model;

import org.junit.jupiter.api.Test;

import static io.greenmesh.carbon.WorkedExamples.HALF_HOUR_AT_1_5_MBPS;
import static io.greenmesh.carbon.WorkedExamples.ONE_HOUR_AT_1_5_MBPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CounterfactualTest {

    @Test
    void oneToOneHourAt1_5MbpsWouldPut2_7GbThroughAnSfuAnd1_35GbOnTheExtraLeg() {
        AvoidedBytes avoided = Counterfactual.forCall(2, 1.0, ONE_HOUR_AT_1_5_MBPS);

        assertEquals(1_350_000_000.0, Counterfactual.serverIngressBytes(2, 1.0, ONE_HOUR_AT_1_5_MBPS));
        assertEquals(1_350_000_000.0, Counterfactual.serverEgressBytes(2, ONE_HOUR_AT_1_5_MBPS));
        assertEquals(2_700_000_000.0, avoided.dataCentre());
        assertEquals(1_350_000_000.0, avoided.network());
    }

    @Test
    void meshOfFourForHalfAnHourWouldPut5_4GbThroughAnSfu() {
        AvoidedBytes avoided = Counterfactual.forCall(4, 1.0, HALF_HOUR_AT_1_5_MBPS);

        assertEquals(1_350_000_000.0, Counterfactual.serverIngressBytes(4, 1.0, HALF_HOUR_AT_1_5_MBPS));
        assertEquals(4_050_000_000.0, Counterfactual.serverEgressBytes(4, HALF_HOUR_AT_1_5_MBPS));
        assertEquals(5_400_000_000.0, avoided.dataCentre());
        assertEquals(1_350_000_000.0, avoided.network());
    }

    @Test
    void perStreamSharesAddUpToTheWholeCallFormulas() {
        int participants = 5;
        double simulcast = 1.3;
        double bytes = 1_000_000;
        AvoidedBytes sum = AvoidedBytes.ZERO;
        double serverBytes = 0;
        for (int stream = 0; stream < participants * (participants - 1); stream++) {
            sum = sum.plus(Counterfactual.forDirectStream(bytes, participants, simulcast));
            serverBytes += Counterfactual.serverBytesForStream(bytes, participants, simulcast);
        }
        AvoidedBytes whole = Counterfactual.forCall(participants, simulcast, bytes);

        assertEquals(whole.dataCentre(), sum.dataCentre(), 1e-3);
        assertEquals(whole.network(), sum.network(), 1e-3);
        assertEquals(whole.dataCentre(), serverBytes, 1e-3);
    }

    @Test
    void simulcastRaisesOnlyTheUploadSide() {
        AvoidedBytes plain = Counterfactual.forCall(3, 1.0, 100);
        AvoidedBytes simulcast = Counterfactual.forCall(3, 1.5, 100);

        assertEquals(300 + 600, plain.dataCentre());
        assertEquals(450 + 600, simulcast.dataCentre());
        assertEquals(450, simulcast.network());
    }

    @Test
    void aCallNeedsTwoParticipants() {
        assertThrows(IllegalArgumentException.class, () -> Counterfactual.forCall(1, 1.0, 100));
        assertThrows(IllegalArgumentException.class, () -> Counterfactual.forDirectStream(100, 1, 1.0));
    }
}
