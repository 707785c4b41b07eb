package io.greenmesh.signaling.actors;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/** The sessions connected to this node, so that a shutting-down node can ask each client to move elsewhere. */
public final class LocalSessions {
  private final Set<ActorRef<Session.Command>> sessions = ConcurrentHashMap.newKeySet();

  void add(ActorRef<Session.Command> session) {
    sessions.add(session);
  }

  void remove(ActorRef<Session.Command> session) {
    sessions.remove(session);
  }

  public int size() {
    return sessions.size();
  }

  /** Closes every client connection; the clients resume on another node within the grace period. */
  public void drain() {
    sessions.forEach(s -> s.tell(new Session.Drain()));
  }
}
