package io.greenmesh.turn.server;

import io.greenmesh.turn.TurnSettings;
import io.greenmesh.turn.attribute.AdditionalAddressFamily;
import io.greenmesh.turn.attribute.AddressFamily;
import io.greenmesh.turn.attribute.AttributeType;
import io.greenmesh.turn.attribute.ChannelNumber;
import io.greenmesh.turn.attribute.Data;
import io.greenmesh.turn.attribute.DontFragment;
import io.greenmesh.turn.attribute.ErrorCode;
import io.greenmesh.turn.attribute.EvenPort;
import io.greenmesh.turn.attribute.Fingerprint;
import io.greenmesh.turn.attribute.Lifetime;
import io.greenmesh.turn.attribute.Nonce;
import io.greenmesh.turn.attribute.Realm;
import io.greenmesh.turn.attribute.RequestedAddressFamily;
import io.greenmesh.turn.attribute.RequestedTransport;
import io.greenmesh.turn.attribute.ReservationToken;
import io.greenmesh.turn.attribute.StunAttribute;
import io.greenmesh.turn.attribute.UnknownAttribute;
import io.greenmesh.turn.attribute.UnknownAttributes;
import io.greenmesh.turn.attribute.Username;
import io.greenmesh.turn.attribute.XorMappedAddress;
import io.greenmesh.turn.attribute.XorPeerAddress;
import io.greenmesh.turn.attribute.XorRelayedAddress;
import io.greenmesh.turn.codec.DecodeResult;
import io.greenmesh.turn.codec.StunEncoder;
import io.greenmesh.turn.message.MessageClass;
import io.greenmesh.turn.message.Method;
import io.greenmesh.turn.message.StunMessage;
import io.greenmesh.turn.metrics.TurnMetrics;
import io.greenmesh.turn.policy.PeerAddressPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The TURN control plane (RFC 8656 §7-§12): authenticates requests with long-term credentials and answers
 * Binding, Allocate, Refresh, CreatePermission and ChannelBind; passes Send indications to the data path.
 * Every outcome is either a response to send, or null (nothing to send), never an exception.
 */
public final class TurnRequestHandler {

    private final TurnSettings settings;
    private final TurnCredentials credentials;
    private final NonceManager nonces;
    private final AllocationTable table;
    private final PeerAddressPolicy policy;
    private final UnauthenticatedBudget budget;
    private final TurnMetrics metrics;
    private final RelaySockets relaySockets;
    private final PeerDataPath dataPath;
    private final InetAddress advertisedRelayAddress;
    private final Clock clock;
    /** RFC 8656 §7.2 suggests holding a reserved port for about 30 seconds. */
    private final RelayReservations reservations;

    public TurnRequestHandler(TurnSettings settings, TurnCredentials credentials, NonceManager nonces,
                              AllocationTable table, PeerAddressPolicy policy, TurnMetrics metrics,
                              RelaySockets relaySockets, PeerDataPath dataPath, InetAddress advertisedRelayAddress,
                              Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.nonces = nonces;
        this.table = table;
        this.policy = policy;
        this.metrics = metrics;
        this.relaySockets = relaySockets;
        this.dataPath = dataPath;
        this.advertisedRelayAddress = advertisedRelayAddress;
        this.clock = clock;
        this.reservations = new RelayReservations(30_000, Math.max(16, settings.maxAllocations()));
        this.budget = new UnauthenticatedBudget(settings.unauthenticatedRate(), settings.unauthenticatedBurst(),
                settings.unauthenticatedAmplification());
    }

    /** What authentication made of a request: go on, or answer now. */
    private sealed interface AuthOutcome permits Authenticated, Answer {
    }

    /** An authenticated request: its key signs the response. */
    private record Authenticated(StunMessage request, String username, byte[] key, boolean fingerprint)
            implements AuthOutcome {
    }

    /** Answer with {@code response} (a challenge or an error), or say nothing when it is null. */
    private record Answer(byte[] response) implements AuthOutcome {
    }

    /** A peer address the policy accepted (normalised), or the error response refusing it. */
    private record PeerCheck(InetAddress accepted, byte[] refusal) {
    }

    /** Handles one decoded message from {@code tuple}; returns the response bytes or null. */
    public byte[] handle(DecodeResult.Decoded decoded, FiveTuple tuple, ClientSink sink) {
        StunMessage message = decoded.message();
        if (message.messageClass() == MessageClass.INDICATION) {
            if (message.method() == Method.SEND) {
                send(message, tuple);
            } else {
                metrics.dropped("unexpected_indication");
            }
            return null;
        }
        if (message.messageClass() != MessageClass.REQUEST) {
            metrics.dropped("unexpected_response");
            return null;
        }
        if (message.method() == Method.BINDING) {
            byte[] response = StunEncoder.encode(message.success(List.of(new XorMappedAddress(tuple.client()))));
            return unauthenticatedAnswer(tuple, decoded.raw().length, response);
        }
        if (message.method() == Method.SEND || message.method() == Method.DATA) {
            return unauthenticatedAnswer(tuple, decoded.raw().length, StunEncoder.encode(
                    message.error(List.of(ErrorCode.of(ErrorCode.BAD_REQUEST)))));
        }
        AuthOutcome auth = authenticate(decoded, tuple);
        if (auth instanceof Answer answer) {
            return answer.response();
        }
        Authenticated request = (Authenticated) auth;
        List<Integer> unknown = unknownComprehensionRequired(message);
        if (!unknown.isEmpty()) {
            return error(request, ErrorCode.UNKNOWN_ATTRIBUTE, new UnknownAttributes(unknown));
        }
        return switch (message.method()) {
            case ALLOCATE -> allocate(request, tuple, sink);
            case REFRESH -> refresh(request, tuple);
            case CREATE_PERMISSION -> createPermission(request, tuple);
            case CHANNEL_BIND -> channelBind(request, tuple);
            default -> error(request, ErrorCode.BAD_REQUEST);
        };
    }

    private AuthOutcome authenticate(DecodeResult.Decoded decoded, FiveTuple tuple) {
        StunMessage message = decoded.message();
        InetAddress source = tuple.client().getAddress();
        var username = message.attribute(Username.class);
        var realm = message.attribute(Realm.class);
        var nonce = message.attribute(Nonce.class);
        int requestBytes = decoded.raw().length;
        if (!decoded.hasIntegrity() || username.isEmpty()) {
            metrics.authFailure("missing_credentials");
            return new Answer(challenge(message, tuple, ErrorCode.UNAUTHENTICATED, requestBytes));
        }
        if (realm.isEmpty() || nonce.isEmpty()) {
            metrics.authFailure("bad_request");
            return new Answer(unauthenticatedAnswer(tuple, requestBytes,
                    StunEncoder.encode(message.error(List.of(ErrorCode.of(ErrorCode.BAD_REQUEST))))));
        }
        if (!realm.get().value().equals(credentials.realm())) {
            metrics.authFailure("wrong_realm");
            return new Answer(challenge(message, tuple, ErrorCode.UNAUTHENTICATED, requestBytes));
        }
        NonceManager.Status nonceStatus = nonces.check(nonce.get().value(), source);
        if (nonceStatus != NonceManager.Status.VALID) {
            metrics.authFailure(nonceStatus == NonceManager.Status.STALE ? "stale_nonce" : "invalid_nonce");
            return new Answer(challenge(message, tuple, ErrorCode.STALE_NONCE, requestBytes));
        }
        String name = username.get().value();
        Allocation existing = table.get(tuple);
        byte[] key;
        if (existing != null && !existing.username().equals(name)) {
            // RFC 8656 §7.2/§8: requests on an allocation must use the credentials that created it.
            metrics.authFailure("wrong_credentials");
            return new Answer(unauthenticatedAnswer(tuple, requestBytes, StunEncoder.encode(
                    message.error(List.of(ErrorCode.of(ErrorCode.WRONG_CREDENTIALS))))));
        }
        if (existing != null && decoded.verifyIntegrity(existing.key())) {
            key = existing.key();
            // Even a running allocation stops when its REST username expires.
            if (credentials.check(name, decoded) instanceof TurnCredentials.Rejected r) {
                metrics.authFailure(r.reason());
                return new Answer(challenge(message, tuple, ErrorCode.UNAUTHENTICATED, requestBytes));
            }
        } else {
            TurnCredentials.Check check = credentials.check(name, decoded);
            if (check instanceof TurnCredentials.Rejected r) {
                metrics.authFailure(r.reason());
                return new Answer(challenge(message, tuple, ErrorCode.UNAUTHENTICATED, requestBytes));
            }
            key = ((TurnCredentials.Accepted) check).key();
        }
        boolean fingerprint = message.attribute(Fingerprint.class).isPresent();
        return new Authenticated(message, name, key, fingerprint);
    }

    private byte[] challenge(StunMessage request, FiveTuple tuple, int code, int requestBytes) {
        byte[] response = StunEncoder.encode(request.error(List.of(ErrorCode.of(code),
                new Realm(credentials.realm()), new Nonce(nonces.issue(tuple.client().getAddress())))));
        return unauthenticatedAnswer(tuple, requestBytes, response);
    }

    /** An answer to a source that has not proven anything: only within its rate and byte budget. */
    private byte[] unauthenticatedAnswer(FiveTuple tuple, int requestBytes, byte[] response) {
        // TCP and TLS sources cannot be spoofed (the handshake proved the address): rate only, no byte budget.
        boolean spoofable = tuple.transport() == ClientTransport.UDP;
        if (!budget.allow(tuple.client().getAddress(), requestBytes, response.length, spoofable)) {
            metrics.dropped("unauthenticated_budget");
            return null;
        }
        return response;
    }

    private static List<Integer> unknownComprehensionRequired(StunMessage message) {
        List<Integer> unknown = new ArrayList<>();
        for (StunAttribute a : message.attributes()) {
            if (a instanceof UnknownAttribute u && u.comprehensionRequired()) {
                unknown.add(u.attributeType());
            }
        }
        if (message.attribute(DontFragment.class).isPresent()) {
            unknown.add(AttributeType.DONT_FRAGMENT); // the JDK cannot set DF on UDP sockets before Java 19
        }
        return unknown;
    }

    private byte[] allocate(Authenticated request, FiveTuple tuple, ClientSink sink) {
        StunMessage message = request.request();
        Allocation existing = table.get(tuple);
        if (existing != null) {
            if (existing.isAllocateRetransmission(message.transactionId())) {
                return allocateSuccess(request, existing, remainingSeconds(existing));
            }
            metrics.allocationRefused("mismatch");
            return error(request, ErrorCode.ALLOCATION_MISMATCH);
        }
        var transport = message.attribute(RequestedTransport.class);
        if (transport.isEmpty()) {
            metrics.allocationRefused("bad_request");
            return error(request, ErrorCode.BAD_REQUEST);
        }
        if (transport.get().protocol() != RequestedTransport.UDP) {
            metrics.allocationRefused("unsupported_transport");
            return error(request, ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL);
        }
        var family = message.attribute(RequestedAddressFamily.class);
        if (family.isPresent() && message.attribute(AdditionalAddressFamily.class).isPresent()
                || family.isPresent() && message.attribute(ReservationToken.class).isPresent()) {
            metrics.allocationRefused("bad_request");
            return error(request, ErrorCode.BAD_REQUEST);
        }
        AddressFamily relayFamily = advertisedRelayAddress.getAddress().length == 4 ? AddressFamily.IPV4 : AddressFamily.IPV6;
        if (family.isPresent() && family.get().family() != relayFamily) {
            metrics.allocationRefused("address_family");
            return error(request, ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED);
        }
        var evenPort = message.attribute(EvenPort.class);
        var token = message.attribute(ReservationToken.class);
        if (evenPort.isPresent() && token.isPresent()) {
            metrics.allocationRefused("bad_request");
            return error(request, ErrorCode.BAD_REQUEST);
        }
        String refusal = table.reserve(request.username());
        if (refusal != null) {
            metrics.allocationRefused(refusal);
            return error(request, ErrorCode.ALLOCATION_QUOTA_REACHED);
        }
        long now = clock.millis();
        RelaySocket relay = null;
        ReservationToken heldFor = null;
        try {
            if (token.isPresent()) {
                relay = reservations.take(token.get().value(), now);
            } else if (evenPort.isPresent() && evenPort.get().reserveNext()) {
                RelaySocket[] pair = relaySockets.openEvenPair();
                if (pair != null) {
                    relay = pair[0];
                    var held = reservations.hold(pair[1], now);
                    heldFor = held == null ? null : new ReservationToken(held);
                }
            } else {
                relay = relaySockets.open(evenPort.isPresent());
            }
        } catch (IOException e) {
            relay = null;
        }
        if (relay == null) {
            table.release(request.username());
            metrics.allocationRefused(token.isPresent() ? "bad_reservation" : "no_relay_port");
            return error(request, ErrorCode.INSUFFICIENT_CAPACITY);
        }
        long lifetime = grantedLifetime(message, false);
        InetSocketAddress relayed;
        try {
            relayed = new InetSocketAddress(advertisedRelayAddress,
                    relay.localAddress().getPort());
        } catch (IOException e) {
            table.release(request.username());
            metrics.allocationRefused("no_relay_port");
            return error(request, ErrorCode.INSUFFICIENT_CAPACITY);
        }
        Allocation allocation = new Allocation(tuple, table.user(request.username()), request.key(), message.transactionId(),
                relay, relayed, sink, settings.bandwidthPerAllocation(), now, now + lifetime * 1000);
        table.add(allocation);
        relaySockets.activate(allocation);
        metrics.allocationCreated();
        allocation.reservation(heldFor);
        return allocateSuccess(request, allocation, lifetime);
    }

    private byte[] allocateSuccess(Authenticated request, Allocation allocation, long lifetime) {
        List<StunAttribute> attributes = new ArrayList<>(List.of(new XorRelayedAddress(allocation.relayedAddress()),
                new Lifetime(lifetime), new XorMappedAddress(allocation.fiveTuple().client())));
        if (allocation.reservation() != null) {
            attributes.add(allocation.reservation());
        }
        return success(request, attributes);
    }

    private long remainingSeconds(Allocation allocation) {
        return Math.max(0, (allocation.expiresAtMillis() - clock.millis()) / 1000);
    }

    /** RFC 8656 §7.2 / §8: max(default, min(requested, max)); a Refresh may ask for 0 to delete. */
    private long grantedLifetime(StunMessage message, boolean refresh) {
        long defaultSeconds = settings.defaultLifetime().toSeconds();
        long requested = message.attribute(Lifetime.class).map(Lifetime::seconds).orElse(defaultSeconds);
        if (refresh && requested == 0) {
            return 0;
        }
        return Math.max(defaultSeconds, Math.min(requested, settings.maxLifetime().toSeconds()));
    }

    private byte[] refresh(Authenticated request, FiveTuple tuple) {
        Allocation allocation = table.get(tuple);
        if (allocation == null) {
            return error(request, ErrorCode.ALLOCATION_MISMATCH);
        }
        long lifetime = grantedLifetime(request.request(), true);
        if (lifetime == 0) {
            if (table.remove(allocation)) {
                metrics.allocationEnded(false);
            }
        } else {
            allocation.refresh(clock.millis() + lifetime * 1000);
        }
        return success(request, List.of(new Lifetime(lifetime)));
    }

    private byte[] createPermission(Authenticated request, FiveTuple tuple) {
        Allocation allocation = table.get(tuple);
        if (allocation == null) {
            return error(request, ErrorCode.ALLOCATION_MISMATCH);
        }
        List<XorPeerAddress> peers = request.request().all(XorPeerAddress.class);
        if (peers.isEmpty()) {
            return error(request, ErrorCode.BAD_REQUEST);
        }
        long now = clock.millis();
        List<InetAddress> normalised = new ArrayList<>();
        for (XorPeerAddress peer : peers) {
            PeerCheck checked = checkPeerAddress(request, allocation, peer.address().getAddress());
            if (checked.refusal() != null) {
                return checked.refusal();
            }
            normalised.add(checked.accepted());
        }
        int fresh = (int) normalised.stream().distinct().filter(a -> !allocation.hasPermission(a, now)).count();
        if (allocation.livePermissionCount(now) + fresh > settings.maxPermissionsPerAllocation()) {
            metrics.peerRefused("permission_quota");
            return error(request, ErrorCode.INSUFFICIENT_CAPACITY);
        }
        long expires = now + settings.permissionLifetime().toMillis();
        normalised.forEach(a -> allocation.installPermission(a, expires));
        return success(request, List.of());
    }

    /** The normalised peer address, or the refusal: 403 by policy, 443 for the other address family. */
    private PeerCheck checkPeerAddress(Authenticated request, Allocation allocation, InetAddress peer) {
        PeerAddressPolicy.Decision decision = policy.checkAddress(peer);
        if (!decision.allowed()) {
            metrics.peerRefused(decision.reason());
            return new PeerCheck(null, error(request, ErrorCode.FORBIDDEN));
        }
        InetAddress normalised = PeerAddressPolicy.toInet(PeerAddressPolicy.normalise(peer.getAddress()));
        if (normalised.getAddress().length != allocation.relayedAddress().getAddress().getAddress().length) {
            metrics.peerRefused("family_mismatch");
            return new PeerCheck(null, error(request, ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH));
        }
        return new PeerCheck(normalised, null);
    }

    private byte[] channelBind(Authenticated request, FiveTuple tuple) {
        Allocation allocation = table.get(tuple);
        if (allocation == null) {
            return error(request, ErrorCode.ALLOCATION_MISMATCH);
        }
        var number = request.request().attribute(ChannelNumber.class);
        var peer = request.request().attribute(XorPeerAddress.class);
        if (number.isEmpty() || number.get().number() < ChannelNumber.MIN
                || number.get().number() > settings.maxChannelNumber() || peer.isEmpty()) {
            return error(request, ErrorCode.BAD_REQUEST);
        }
        PeerCheck checked = checkPeerAddress(request, allocation, peer.get().address().getAddress());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        InetSocketAddress peerAddress = new InetSocketAddress(checked.accepted(), peer.get().address().getPort());
        PeerAddressPolicy.Decision self = policy.checkPeer(peerAddress);
        if (!self.allowed()) {
            metrics.peerRefused(self.reason());
            return error(request, ErrorCode.FORBIDDEN);
        }
        long now = clock.millis();
        if (!allocation.hasPermission(peerAddress.getAddress(), now)
                && allocation.livePermissionCount(now) + 1 > settings.maxPermissionsPerAllocation()) {
            metrics.peerRefused("permission_quota");
            return error(request, ErrorCode.INSUFFICIENT_CAPACITY);
        }
        if (!allocation.bindChannel(number.get().number(), peerAddress, now,
                now + settings.channelLifetime().toMillis())) {
            return error(request, ErrorCode.BAD_REQUEST);
        }
        allocation.installPermission(peerAddress.getAddress(), now + settings.permissionLifetime().toMillis());
        return success(request, List.of());
    }

    private void send(StunMessage message, FiveTuple tuple) {
        Allocation allocation = table.get(tuple);
        var peer = message.attribute(XorPeerAddress.class);
        var data = message.attribute(Data.class);
        if (allocation == null || peer.isEmpty() || data.isEmpty()) {
            metrics.dropped(allocation == null ? "no_allocation" : "bad_send_indication");
            return;
        }
        InetAddress normalised = PeerAddressPolicy.toInet(PeerAddressPolicy.normalise(peer.get().address().getAddress().getAddress()));
        InetSocketAddress target = new InetSocketAddress(normalised, peer.get().address().getPort());
        PeerAddressPolicy.Decision decision = policy.checkPeer(target);
        if (!decision.allowed()) {
            metrics.dropped("forbidden_peer");
            return;
        }
        dataPath.sendIndication(allocation, target, data.get().value().toByteArray());
    }

    private byte[] success(Authenticated request, List<StunAttribute> attributes) {
        return StunEncoder.encode(request.request().success(attributes), request.key(), request.fingerprint());
    }

    private byte[] error(Authenticated request, int code, StunAttribute... extra) {
        List<StunAttribute> attributes = new ArrayList<>();
        attributes.add(ErrorCode.of(code));
        attributes.addAll(List.of(extra));
        return StunEncoder.encode(request.request().error(attributes), request.key(), request.fingerprint());
    }

    /** Ends allocations whose lifetime ran out or that went idle, and drops stale permissions and channels. */
    public void reap() {
        long now = clock.millis();
        reservations.purge(now);
        // A user's DTLS mark outlives its last allocation by a permission lifetime: an ICE restart reallocates.
        table.forgetIdleUsers(settings.permissionLifetime().toMillis(), now);
        long idle = settings.idleTimeout().toMillis();
        for (Allocation allocation : table.snapshot()) {
            if (allocation.due(now, idle)) {
                if (table.remove(allocation)) {
                    metrics.allocationEnded(true);
                }
            } else {
                allocation.purge(now);
            }
        }
    }

    /** Ends every allocation and releases held reservations: the relay is shutting down. */
    public void closeAll() {
        for (Allocation allocation : table.snapshot()) {
            if (table.remove(allocation)) {
                metrics.allocationEnded(false);
            }
        }
        reservations.purge(Long.MAX_VALUE);
    }

    /** Ends every allocation of a closed TCP/TLS connection (RFC 8656 §5: the allocation dies with it). */
    public void connectionClosed(FiveTuple tuple) {
        Allocation allocation = table.get(tuple);
        if (allocation != null && table.remove(allocation)) {
            metrics.allocationEnded(false);
        }
    }
}
