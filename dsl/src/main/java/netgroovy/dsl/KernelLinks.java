package netgroovy.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netgroovy.kernel.Address;
import netgroovy.kernel.Link;
import netgroovy.kernel.Namespaces;
import netgroovy.kernel.Rtnl;
import netgroovy.model.Marks;
import netgroovy.plan.Where;
import netgroovy.value.IfName;

/**
 * The session's kernel as the state store's marks see it ({@link Marks.Links}): link aliases,
 * MACs and addresses of the host and of named namespaces, over the session's rtnetlink handles.
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
        rtnl(namespace).links().setAlias(IfName.of(link), alias);
    }
}
