package io.greenmesh.turn;

import java.io.IOException;

/** Every case of {@link TurnRelayAtTheRoomCapTest} on Netty's epoll UDP transport (udp-transport = epoll). */
class TurnRelayAtTheRoomCapEpollTest extends TurnRelayAtTheRoomCapTest {

    @Override
    TurnFixture relayOnDefaults() throws IOException {
        return TurnFixture.onDefaults(true);
    }
}
