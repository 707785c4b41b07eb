package io.greenmesh.carbon.model;

/**
 * What a selective forwarding unit (SFU) would have moved for the same call.
 *
 * <p>For N participants each sending a stream of b bytes, with simulcast factor s (bytes uploaded to the SFU per
 * byte a receiver gets):
 * <ul>
 *   <li>SFU ingress = N·s·b (each participant uploads once),</li>
 *   <li>SFU egress = N·(N−1)·b (each participant receives the other N−1 streams),</li>
 *   <li>extra network leg = N·s·b: in the SFU call every stream crosses the network twice (up to the server, down
 *       to each receiver); the direct call carries the same N·(N−1)·b down-leg bytes but never the up-leg.</li>
 * </ul>
 * The data-centre bytes avoided are ingress + egress, the network bytes avoided are the extra leg.
 *
 * <p>Measured traffic is per directed stream (bytes one peer sent to another), so the same formulas are applied
 * per stream: a stream of x bytes in a room of N stands for x bytes of SFU egress and s·x/(N−1) of SFU ingress
 * (the sender's one upload, shared across its N−1 receivers). Summed over all N·(N−1) streams this gives back the
 * whole-call formulas.
 */
public final class Counterfactual {

    private Counterfactual() {
    }

    public static double serverIngressBytes(int participants, double simulcastFactor, double bytesPerStream) {
        requireCall(participants);
        return participants * simulcastFactor * bytesPerStream;
    }

    public static double serverEgressBytes(int participants, double bytesPerStream) {
        requireCall(participants);
        return (double) participants * (participants - 1) * bytesPerStream;
    }

    public static double extraNetworkLegBytes(int participants, double simulcastFactor, double bytesPerStream) {
        return serverIngressBytes(participants, simulcastFactor, bytesPerStream);
    }

    /** Bytes a whole call of N participants, each sending b bytes per stream, avoids by going direct. */
    public static AvoidedBytes forCall(int participants, double simulcastFactor, double bytesPerStream) {
        double ingress = serverIngressBytes(participants, simulcastFactor, bytesPerStream);
        double egress = serverEgressBytes(participants, bytesPerStream);
        return new AvoidedBytes(ingress + egress, extraNetworkLegBytes(participants, simulcastFactor, bytesPerStream));
    }

    /** The SFU bytes (ingress share + egress) that one directed stream of {@code bytes} stands for. */
    public static double serverBytesForStream(double bytes, int roomSize, double simulcastFactor) {
        return bytes + ingressShare(bytes, roomSize, simulcastFactor);
    }

    /** Bytes avoided by one directed stream of {@code bytes} that went direct in a room of {@code roomSize}. */
    public static AvoidedBytes forDirectStream(double bytes, int roomSize, double simulcastFactor) {
        double ingress = ingressShare(bytes, roomSize, simulcastFactor);
        return new AvoidedBytes(bytes + ingress, ingress);
    }

    private static double ingressShare(double bytes, int roomSize, double simulcastFactor) {
        requireCall(roomSize);
        return simulcastFactor * bytes / (roomSize - 1);
    }

    private static void requireCall(int participants) {
        if (participants < 2) {
            throw new IllegalArgumentException("a call needs at least 2 participants, got " + participants);
        }
    }
}
