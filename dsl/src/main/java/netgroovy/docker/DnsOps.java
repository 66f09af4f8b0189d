package netgroovy.docker;

import netgroovy.plan.Kernel;
import netgroovy.plan.Op;

/**
 * The embedded DNS server starting and stopping for a container, as steps of a plan: a
 * container's socket must close before its namespace is deleted (an open socket keeps the
 * namespace, and its veths, alive), and teardown undoes them in that order.
 */
public final class DnsOps {
    private DnsOps() {
    }

    /** dockerd's embedded DNS server starts answering in the container. */
    public record Serve(EmbeddedDns dns, String container) implements Op {
        public String command() {
            return "# netgroovy answers DNS at " + EmbeddedDns.ADDRESS + ":" + EmbeddedDns.PORT + " in " + container
                    + " (dockerd's embedded DNS server)";
        }

        public State check(Kernel k) {
            return dns.serving(container) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            dns.serve(container);
        }

        public void undo(Kernel k) {
            dns.stop(container);
        }

        public String subject() {
            return "the embedded DNS server of " + container;
        }
    }

    /** The embedded DNS server stops answering in the container (it is removed, or has left its last user network). */
    public record Stop(EmbeddedDns dns, String container) implements Op {
        public String command() {
            return "# netgroovy stops answering DNS at " + EmbeddedDns.ADDRESS + ":" + EmbeddedDns.PORT + " in " + container;
        }

        public State check(Kernel k) {
            return dns.serving(container) ? State.TODO : State.DONE;
        }

        public boolean isRemoval() {
            return true;
        }

        public void apply(Kernel k) {
            dns.stop(container);
        }

        public void undo(Kernel k) {
            dns.serve(container);
        }

        public String subject() {
            return "the embedded DNS server of " + container;
        }
    }
}
