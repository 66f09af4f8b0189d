package netgroovy.docker;

import netgroovy.plan.Kernel;
import netgroovy.plan.Op;

/** Writes a container's /etc/netns/NAME/{hosts,hostname,resolv.conf}; undo puts back what was there before. */
public final class WriteEtcFiles implements Op {
    private final String container;
    private final String hosts;
    private final String hostname;
    private final String resolv;
    private java.util.Map<String, String> before;

    public WriteEtcFiles(String container, String hosts, String hostname, String resolv) {
        this.container = container;
        this.hosts = hosts;
        this.hostname = hostname;
        this.resolv = resolv;
    }

    public String command() {
        return "mkdir -p /etc/netns/" + container + " && write hosts, hostname (" + hostname + "), resolv.conf there";
    }

    public void apply(Kernel k) {
        before = EtcFiles.read(container);
        EtcFiles.write(container, hosts, hostname, resolv);
    }

    public void undo(Kernel k) {
        EtcFiles.restore(container, before);
    }

    public java.util.List<String> leftovers() {
        return EtcFiles.exist(container) ? java.util.List.of() : java.util.List.of("files " + container);
    }

    public String subject() {
        return "the /etc files of " + container;
    }
}
