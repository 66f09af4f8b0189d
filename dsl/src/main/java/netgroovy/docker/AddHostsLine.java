package netgroovy.docker;

import java.util.ArrayList;
import java.util.List;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;

/**
 * A new member of a user network, added to the /etc/hosts of the members already there: one
 * line appended to each file (what Docker 1.9 did on a join) instead of every member's file
 * written again, so a join costs what it adds rather than what the network already holds.
 * Undo takes the line out again.
 */
public final class AddHostsLine implements Op {
    private final List<String> containers;
    private final String line;

    /** @param line {@code IP<TAB>names}, without the newline */
    public AddHostsLine(List<String> containers, String line) {
        this.containers = List.copyOf(containers);
        this.line = line;
    }

    public String command() {
        StringBuilder files = new StringBuilder();
        containers.forEach(c -> files.append(' ').append(EtcFiles.ROOT.resolve(c).resolve("hosts")));
        return "printf '" + line.replace("\t", "\\t") + "\\n' | tee -a" + files + " >/dev/null";
    }

    public void apply(Kernel k) {
        List<String> done = new ArrayList<>();
        try {
            for (String c : containers) {
                EtcFiles.appendHostsLine(k.files(), c, line);
                done.add(c);
            }
        } catch (RuntimeException e) {
            done.forEach(c -> EtcFiles.removeHostsLine(k.files(), c, line)); // all of the files, or none
            throw e;
        }
    }

    public void undo(Kernel k) {
        containers.forEach(c -> EtcFiles.removeHostsLine(k.files(), c, line));
    }

    /** Teardown removes the members' folders anyway: then there is no line to take out. */
    public List<String> diesWith() {
        return containers.stream().map(EtcFiles::folder).toList();
    }

    public String subject() {
        return "/etc/hosts of " + String.join(", ", containers);
    }
}
