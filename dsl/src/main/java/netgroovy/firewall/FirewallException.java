package netgroovy.firewall;

/** iptables refused a change or could not be run; the message says which and why. */
public class FirewallException extends RuntimeException {
    public FirewallException(String message) {
        super(message);
    }
}
