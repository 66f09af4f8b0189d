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
    /** Whether the folder was there when checked: then applying makes nothing new. */
    private boolean existed;

    public WriteEtcFiles(String container, String hosts, String hostname, String resolv) {
        this.container = container;
        this.hosts = hosts;
        this.hostname = hostname;
        this.resolv = resolv;
    }

    public String command() {
        return "mkdir -p /etc/netns/" + container + " && write hosts, hostname (" + hostname + "), resolv.conf there";
    }

    public State check(Kernel k) {
        existed = EtcFiles.exist(k.files(), container);
        return State.TODO;
    }

    public void apply(Kernel k) {
        before = existed ? EtcFiles.read(k.files(), container) : null; // (the check found no folder: nothing to keep, nothing to read)
        EtcFiles.write(k.files(), container, before, hosts, hostname, resolv);
    }

    public void undo(Kernel k) {
        EtcFiles.restore(k.files(), container, before);
    }

    public java.util.List<String> leftovers() {
        return existed ? java.util.List.of() : java.util.List.of("files " + container);
    }

    /** A folder this made (it was not there) goes whole when undone. */
    public String takesAlong() {
        return existed ? null : EtcFiles.folder(container);
    }

    public String subject() {
        return "the /etc files of " + container;
    }
}
