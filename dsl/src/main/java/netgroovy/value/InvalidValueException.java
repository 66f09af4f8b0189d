package netgroovy.value;

/** A value a user typed is malformed: the message says which value and why. */
public class InvalidValueException extends IllegalArgumentException {
    public InvalidValueException(String message) {
        super(message);
    }
}
