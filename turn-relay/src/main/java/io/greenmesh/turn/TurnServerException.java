package io.greenmesh.turn;

/** The relay could not start; the message is one line fit for an operator (it names the port, the file, ...). */
public final class TurnServerException extends RuntimeException {

    public TurnServerException(String message, Throwable cause) {
        super(message, cause);
    }

    public TurnServerException(String message) {
        super(message);
    }
}
