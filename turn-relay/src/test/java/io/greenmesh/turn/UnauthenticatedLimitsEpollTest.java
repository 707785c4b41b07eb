package io.greenmesh.turn;

import java.io.IOException;

/** Every case of {@link UnauthenticatedLimitsTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class UnauthenticatedLimitsEpollTest extends UnauthenticatedLimitsTest {

    @Override
    TurnFixture relayOnDefaults() throws IOException {
        return TurnFixture.onDefaults(true);
    }
}
