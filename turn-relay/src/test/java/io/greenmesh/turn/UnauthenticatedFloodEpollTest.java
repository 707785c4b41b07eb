package io.greenmesh.turn;

import java.io.IOException;

/** Every case of {@link UnauthenticatedFloodTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class UnauthenticatedFloodEpollTest extends UnauthenticatedFloodTest {

    @Override
    TurnFixture relayOnDefaults() throws IOException {
        return TurnFixture.onDefaults(true);
    }
}
