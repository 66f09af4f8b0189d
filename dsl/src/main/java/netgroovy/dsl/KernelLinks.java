package netgroovy.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.model.Marks;
import netgroovy.plan.Where;
import netgroovy.value.IfName;

/**
 * The session's kernel as the state store's marks see it ({@link Marks.Links}): link aliases,
 * MACs and addresses of the host and of named namespaces, over the session's rtnetlink handles;
 * and, for a rebuild, their rules, sysctls and processes.
 */
final class KernelLinks implements Marks.Links {
    private final Session session;

    KernelLinks(Session session) {
        this.session = session;
    }

    private Rtnl rtnl(String namespace) {
        return session.liveKernel().rtnl(namespace == null ? Where.HOST : Where.named(namespace));
    }

    @Override
    public List<String> namespaces() {
        return Namespaces.list();
    }

    @Override
    public boolean hasNamespace(String name) {
        return Namespaces.exists(name);
    }

    @Override
    public Map<String, String> aliases(String namespace) {
        return rtnl(namespace).links().aliases();
    }

    @Override
    public Map<String, Marks.Iface> interfaces(String namespace) {
        Rtnl r = rtnl(namespace);
        Map<String, List<Marks.Addr>> addresses = new LinkedHashMap<>();
        for (Address a : r.addresses().list()) {
            addresses.computeIfAbsent(a.linkName(), k -> new ArrayList<>()).add(new Marks.Addr(a.cidr(), a.scope()));
        }
        Map<String, Marks.Iface> out = new LinkedHashMap<>();
        for (Link l : r.links().list()) {
            out.put(l.name(), new Marks.Iface(l.name(), l.mac(), addresses.getOrDefault(l.name(), List.of())));
        }
        return out;
    }

    @Override
    public void alias(String namespace, String link, String alias) {
        if (session.liveKernel().marked(where(namespace), IfName.of(link), alias)) {
            return; // the plan wrote it while the link was down (LinkOps.Mark); again now would cost more
        }
        rtnl(namespace).links().setAlias(IfName.of(link), alias);
    }

    @Override
    public java.util.Set<String> linkNames(String namespace) {
        java.util.Set<String> names = new java.util.HashSet<>();
        rtnl(namespace).links().list().forEach(l -> names.add(l.name()));
        return names;
    }

    private static Where where(String namespace) {
        return namespace == null ? Where.HOST : Where.named(namespace);
    }

    @Override
    public Iptables.Saved rules(String namespace) {
        return Iptables.save(session.liveKernel().nsOrNull(where(namespace)));
    }

    @Override
    public String sysctl(String namespace, String key) {
        return session.liveKernel().sysctl(where(namespace), key);
    }

    @Override
    public Map<String, Long> firstPids() {
        return netgroovy.kernel.ProcessNamespaces.ofNamed();
    }

    @Override
    public Map<String, String> environment(long pid) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String kv : new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ")), StandardCharsets.UTF_8).split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        } catch (IOException gone) {
            return Map.of();
        }
        return env;
    }
}
