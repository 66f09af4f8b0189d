package netgroovy.dsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netgroovy.docker.EtcFiles;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Namespaces;
import netgroovy.model.StateStore;
import netgroovy.model.World;
import netgroovy.plan.LinkOps;
import netgroovy.plan.NamespaceOps;
import netgroovy.plan.RemoveOwnedRules;
import netgroovy.plan.Where;
import netgroovy.value.IfName;

/**
 * {@code doctor}: compares the stored world, the kernel and the firewall, and lists what
 * netgroovy made that nothing accounts for any more — what a statement interrupted by kill -9
 * had already made (the store's note says what), rules whose owner is gone, /etc/netns folders
 * and hostnames of namespaces that are gone, and containers the world lists whose namespace is
 * gone. With {@code fix: true} it removes them (as one plan) and the world forgets stale records,
 * so that re-running the script converges.
 */
final class Doctor {
    private static final Pattern OWNER = Pattern.compile("--comment \"netgroovy (publish|link|bridge|isolation|masquerade) (\\S+)");

    private final Session session;
    private final NetgroovyScript script;

    Doctor(Session session, NetgroovyScript script) {
        this.session = session;
        this.script = script;
    }

    /** One thing out of place: what it is, and the plan that removes it. */
    private record Finding(String what, Runnable fix) {
    }

    String examine(boolean fix) {
        session.flush();
        if (!session.live()) {
            return "doctor: nothing to examine in a dry run\n";
        }
        World world = session.world();
        List<Finding> findings = new ArrayList<>();
        StateStore store = session.store();
        StateStore.Interrupted cut = store == null ? null : store.interrupted();
        if (cut != null) {
            for (String left : cut.leftovers()) {
                interrupted(left, cut.statement(), world, findings);
            }
        }
        staleContainers(world, findings);
        orphanRules(world, findings);
        orphanFiles(world, findings);
        StringBuilder out = new StringBuilder();
        if (findings.isEmpty()) {
            if (cut != null && fix) {
                store.clearInterrupted();
            }
            return out.append("doctor: the world, the kernel and the firewall agree").append(cut == null ? "" :
                    " (a statement at " + cut.statement() + " was interrupted; nothing of it is left)").append('\n').toString();
        }
        findings.forEach(f -> out.append("  ").append(f.what()).append('\n'));
        if (!fix) {
            out.insert(0, "doctor: " + findings.size() + " thing(s) netgroovy made that nothing accounts for:\n");
            return out.append("doctor fix: true (or netgroovy doctor --fix) removes them\n").toString();
        }
        findings.forEach(f -> f.fix().run());
        session.flush();
        if (store != null) {
            store.clearInterrupted();
        }
        out.insert(0, "doctor: removed " + findings.size() + " thing(s):\n");
        return out.toString();
    }

    /** One line of the note an interrupted statement left: is that object still there, unaccounted for? */
    private void interrupted(String left, String statement, World world, List<Finding> findings) {
        String[] p = left.split(" ", 2);
        if (p.length < 2) {
            return;
        }
        String name = p[1];
        String why = " (made by the interrupted statement at " + statement + ")";
        switch (p[0]) {
            case "netns" -> {
                if (Namespaces.exists(name) && !world.namespaces.contains(name) && !world.containers.containsKey(name)) {
                    findings.add(new Finding("namespace " + name + why, () -> {
                        // and what goes with a container's namespace: its rules, files and hostname
                        script.dockerWordsFor().of(name).firewall().forgetContainer(name);
                        session.add(new NamespaceOps.Delete(name));
                        EtcFiles.remove(name);
                        Namespaces.deleteUts(name);
                    }));
                }
            }
            case "link" -> {
                if (hostLinkExists(name) && !accountedLink(name, world)) {
                    findings.add(new Finding("link " + name + why, () -> session.add(new LinkOps.Delete(Where.HOST, IfName.of(name)))));
                }
            }
            case "rule" -> {
                if (ruleExists(name) && !ownerKnown(name, world)) {
                    findings.add(new Finding("firewall rule \"" + name + "\"" + why,
                            () -> session.add(new RemoveOwnedRules(Where.HOST, name))));
                }
            }
            case "files" -> {
                if (EtcFiles.exist(name) && !world.containers.containsKey(name) && !Namespaces.exists(name)) {
                    findings.add(new Finding("/etc/netns/" + name + why, () -> EtcFiles.remove(name)));
                }
            }
            case "uts" -> {
                if (Namespaces.utsOf(name) != null && !world.containers.containsKey(name)) {
                    findings.add(new Finding("the hostname namespace of " + name + why, () -> Namespaces.deleteUts(name)));
                }
            }
            default -> {
                // a line from a newer netgroovy: not ours to judge
            }
        }
    }

    /** Containers the world lists (on the host, or on a lab host) whose own namespace is gone. */
    private void staleContainers(World world, List<Finding> findings) {
        List<netgroovy.docker.Container> all = new java.util.ArrayList<>(world.containers.values());
        world.hosts.values().forEach(h -> all.addAll(h.containers.values()));
        for (var c : all) {
            if ((c.mode.equals("bridge") || c.mode.equals("none")) && !Namespaces.exists(c.name)) {
                findings.add(new Finding("container " + c.name + " is recorded, but its namespace is gone",
                        () -> script.dockerWordsFor().of(c.name).rm(c.name)));
            }
        }
    }

    /** Rules of a container or bridge that no longer exists. */
    private void orphanRules(World world, List<Finding> findings) {
        Set<String> owners = new LinkedHashSet<>();
        Iptables.Saved saved = Iptables.save(null);
        for (String table : List.of("nat", "filter")) {
            for (String line : saved.rules(table)) {
                Matcher m = OWNER.matcher(line);
                if (m.find()) {
                    owners.add(m.group(1) + " " + m.group(2));
                }
            }
        }
        for (String owner : owners) {
            String kind = owner.substring(0, owner.indexOf(' '));
            String name = owner.substring(owner.indexOf(' ') + 1);
            boolean gone = switch (kind) {
                case "publish" -> !world.containers.containsKey(name) && !Namespaces.exists(name);
                case "link" -> {
                    String[] ends = name.split("->", 2);
                    yield ends.length == 2 && (missingContainer(ends[0], world) || missingContainer(ends[1], world));
                }
                default -> !hostLinkExists(name);
            };
            if (gone) {
                findings.add(new Finding("firewall rules of " + kind + " " + name + ", which is gone",
                        () -> session.add(new RemoveOwnedRules(Where.HOST, "netgroovy " + owner + (kind.equals("link") ? "" : " ")))));
            }
        }
    }

    /** /etc/netns folders and hostname namespaces of namespaces that are gone. */
    private void orphanFiles(World world, List<Finding> findings) {
        for (String name : list(Path.of("/etc/netns"))) {
            if (!Namespaces.exists(name) && !world.containers.containsKey(name)) {
                findings.add(new Finding("/etc/netns/" + name + ", whose namespace is gone", () -> EtcFiles.remove(name)));
            }
        }
        for (String name : list(Namespaces.UTS_DIR)) {
            if (!Namespaces.exists(name) && !world.containers.containsKey(name)) {
                findings.add(new Finding("the hostname namespace of " + name + ", whose namespace is gone", () -> Namespaces.deleteUts(name)));
            }
        }
    }

    private boolean missingContainer(String name, World world) {
        return !world.containers.containsKey(name) && !Namespaces.exists(name);
    }

    private boolean hostLinkExists(String name) {
        return session.kernel().links(Where.HOST).get(IfName.of(name)).isPresent();
    }

    private static boolean accountedLink(String name, World world) {
        return world.bridgeCidrs.containsKey(name)
                || world.networks.values().stream().anyMatch(n -> n.bridge().equals(name))
                || world.containers.values().stream().anyMatch(c -> c.attachments.stream().anyMatch(a -> name.equals(a.hostVeth())));
    }

    private static boolean ruleExists(String comment) {
        return Iptables.save(null).text().contains("--comment " + netgroovy.firewall.Rule.quoted(comment));
    }

    /** Whether the owner a rule's comment names ("netgroovy publish web ...") is still in the world. */
    private static boolean ownerKnown(String comment, World world) {
        Matcher m = OWNER.matcher("--comment \"" + comment);
        if (!m.find()) {
            return true; // Docker's shared chains and base rules belong to everyone
        }
        String name = m.group(2);
        return switch (m.group(1)) {
            case "publish" -> world.containers.containsKey(name);
            case "link" -> world.containers.containsKey(name.split("->", 2)[0]);
            default -> world.networks.values().stream().anyMatch(n -> n.bridge().equals(name)) || world.bridgeCidrs.containsKey(name)
                    || world.firewalls.containsKey(name);
        };
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
