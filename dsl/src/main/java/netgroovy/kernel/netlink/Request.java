package netgroovy.kernel.netlink;

/**
 * A request to send, with the words that name it in an error: "create bridge bridge0",
 * "add 10.0.0.1/24 to eth0". The message's sequence number is set when it is sent.
 */
public record Request(String what, MessageWriter message) {
}
