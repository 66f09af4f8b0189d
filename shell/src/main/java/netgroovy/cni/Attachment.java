package netgroovy.cni;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import netgroovy.dsl.DslException;
import netgroovy.dsl.Engine;
import netgroovy.dsl.Recipes;
import netgroovy.dsl.Session;
import netgroovy.firewall.Iptables;
import netgroovy.kernel.Address;
import netgroovy.kernel.KernelException;
import netgroovy.kernel.Link;
import netgroovy.kernel.NetNs;
import netgroovy.kernel.Route;
import netgroovy.kernel.Rtnl;
import netgroovy.kernel.Sysctl;
import netgroovy.plan.LiveKernel;
import netgroovy.plan.RemoveOwnedRules;
import netgroovy.plan.Where;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;
import netgroovy.value.IpAddress;
import netgroovy.value.Mac;

/**
 * One container on one network, as the CNI commands see it. ADD runs the configured recipe
 * (the same words as in the REPL) to wire the container and reports what it made; DEL removes
 * exactly that, and the network's bridge, rules and ip_forward with the last container; CHECK
 * compares the kernel with what ADD made.
 */
final class Attachment {
    private static final String IP_FORWARD = "net.ipv4.ip_forward";
    private static final String IPV6_FORWARD = "net.ipv6.conf.all.forwarding";
    private final Invocation inv;
    private final NetConf conf;
    private final PrintStream log;

    Attachment(Invocation inv, NetConf conf, PrintStream log) {
        this.inv = inv;
        this.conf = conf;
        this.log = log;
    }

    /** The host end of the container's veth: the same name for the same attachment in every process. */
    static String hostIfname(String containerId, String ifname) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest((containerId + "/" + ifname).getBytes(StandardCharsets.UTF_8));
            return "veth" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- ADD ------------------------------------------------------------------------------

    Map<String, Object> add() {
        inv.require(true, true, true);
        try (AttachmentStore store = AttachmentStore.open(conf.dataDir, conf.name);
             ContainerNs ns = ContainerNs.open(inv.netns(), inv.containerId())) {
            try (NetNs n = ns.open(); Rtnl inside = Rtnl.at(n)) {
                if (inside.links().get(IfName.of(inv.ifname())).isPresent()) {
                    throw new CniException(CniException.INTERFACE_EXISTS, "interface " + inv.ifname() + " already exists in " + inv.netns(), "");
                }
            }
            Lease lease = lease(store);
            String hostIf = hostIfname(inv.containerId(), inv.ifname());
            try {
                prepareNetwork(store, lease);
                runRecipe(ns, lease, hostIf);
            } catch (RuntimeException e) {
                // Leave nothing half-made: the spec's DEL will follow, but the address and the
                // bridge must not wait for it.
                releaseLease(store, lease);
                deleteHostEnd(hostIf);
                tidyNetwork(store);
                throw e;
            }
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("containerId", inv.containerId());
            record.put("ifname", inv.ifname());
            record.put("netns", inv.netns());
            record.put("hostIfname", hostIf);
            record.put("address", lease.addresses.get(0).toString());
            record.put("addresses", lease.addresses.stream().map(Cidr::toString).toList());
            if (lease.gateway != null) {
                record.put("gateway", lease.gateway.toString());
            }
            if (lease.gateway6 != null) {
                record.put("gateway6", lease.gateway6.toString());
            }
            record.put("ownIpam", lease.own);
            store.putAttachment(inv.attachmentKey(), record);
            return result(ns, lease, hostIf);
        }
    }

    /** What the container gets: its addresses, gateway, routes and DNS, from our IPAM or the delegated one. */
    static final class Lease {
        final List<Cidr> addresses = new ArrayList<>();
        IpAddress gateway;
        IpAddress gateway6;
        final List<Map<String, Object>> routes = new ArrayList<>();
        Map<String, Object> dns;
        boolean own;
    }

    @SuppressWarnings("unchecked")
    private Lease lease(AttachmentStore store) {
        Lease lease = new Lease();
        if (conf.delegatesIpam()) {
            Map<String, Object> r = DelegatedIpam.call(inv, conf, "ADD");
            if (r == null || !(r.get("ips") instanceof List<?> ips) || ips.isEmpty()) {
                throw new CniException(CniException.SETUP_FAILED, "IPAM plugin " + conf.ipamType() + " gave no address", String.valueOf(r));
            }
            for (Object o : ips) {
                Map<String, Object> ip = (Map<String, Object>) o;
                lease.addresses.add(Cidr.parse((String) ip.get("address")));
                if (lease.gateway == null && ip.get("gateway") instanceof String g && IpAddress.parse(g).isV4()) {
                    lease.gateway = IpAddress.parse(g);
                }
            }
            if (r.get("routes") instanceof List<?> routes) {
                routes.forEach(x -> lease.routes.add((Map<String, Object>) x));
            }
            lease.dns = r.get("dns") instanceof Map<?, ?> d ? NetConf.cast(d) : null;
        } else {
            lease.own = true;
            IpAddress want4 = wanted(true);
            IpAddress want6 = wanted(false);
            lease.addresses.add(store.allocate(conf.subnet, conf.gateway, conf.rangeStart, conf.rangeEnd, want4));
            lease.gateway = conf.gateway;
            if (conf.subnet6 != null) {
                lease.addresses.add(store.allocate(conf.subnet6, conf.gateway6, null, null, want6));
                lease.gateway6 = conf.gateway6;
            }
            if (conf.raw.get("routes") instanceof List<?> routes) {
                routes.forEach(x -> lease.routes.add((Map<String, Object>) x));
            } else {
                if (conf.gateway != null) {
                    lease.routes.add(new LinkedHashMap<>(Map.of("dst", "0.0.0.0/0", "gw", conf.gateway.toString())));
                }
                if (conf.gateway6 != null) {
                    lease.routes.add(new LinkedHashMap<>(Map.of("dst", "::/0", "gw", conf.gateway6.toString())));
                }
            }
        }
        return lease;
    }

    /** The address of this IP version the runtime asked for; one it asked for but we cannot give is an error. */
    private IpAddress wanted(boolean v4) {
        List<IpAddress> asked = new ArrayList<>(conf.wantedIps);
        String ip = inv.args().get("IP");
        if (asked.isEmpty() && ip != null) {
            // The older convention, CNI_ARGS IP=ADDRESS: what podman sends for --ip.
            for (String one : ip.split(",")) {
                try {
                    asked.add(one.contains("/") ? Cidr.parse(one).address() : IpAddress.parse(one));
                } catch (netgroovy.value.InvalidValueException e) {
                    throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_ARGS IP=" + ip + ": " + e.getMessage(), "");
                }
            }
        }
        IpAddress w = asked.stream().filter(a -> a.isV4() == v4).findFirst().orElse(null);
        if (w == null && !v4 && asked.stream().anyMatch(IpAddress::isV6) && conf.subnet6 == null) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: runtimeConfig.ips asks for an IPv6 address"
                    + " but the network has no subnet6", "");
        }
        return w;
    }

    /** runtimeConfig.mac, else CNI_ARGS MAC= (what podman sends for --mac-address). */
    private Mac wantedMac() {
        if (conf.wantedMac != null) {
            return conf.wantedMac;
        }
        String mac = inv.args().get("MAC");
        try {
            return mac == null ? null : Mac.parse(mac);
        } catch (netgroovy.value.InvalidValueException e) {
            throw new CniException(CniException.INVALID_ENVIRONMENT, "CNI_ARGS MAC=" + mac + ": " + e.getMessage(), "");
        }
    }

    private void releaseLease(AttachmentStore store, Lease lease) {
        if (!lease.own) {
            try {
                DelegatedIpam.call(inv, conf, "DEL");
            } catch (CniException e) {
                log.println("netgroovy-cni: releasing the address failed too: " + e.getMessage());
            }
        }
        // our own addresses are only taken once the attachment is stored
    }

    /** The first container on the network: remember what was there before we changed it. */
    private void prepareNetwork(AttachmentStore store, Lease lease) {
        if (store.get("bridgeMade") == null) {
            try (Rtnl host = Rtnl.host()) {
                store.put("bridgeMade", host.links().get(IfName.of(conf.bridge)).isEmpty());
            }
        }
        if (conf.isGateway && store.get("ipForwardBefore") == null) {
            store.put("ipForwardBefore", Sysctl.read(null, IP_FORWARD).strip());
        }
        if (conf.isGateway && lease.gateway6 != null && store.get("ipv6ForwardBefore") == null) {
            store.put("ipv6ForwardBefore", Sysctl.read(null, IPV6_FORWARD).strip());
        }
    }

    /**
     * The recipe, as a script: the bridge (with the gateway address), forwarding and NAT as
     * configured, then the recipe's own word with attach's shape
     * {@code RECIPE(options, bridge, namespace, 'ADDRESS/PREFIX@GATEWAY')}, then any further
     * addresses and routes. Values travel in the binding, never pasted into source.
     */
    private void runRecipe(ContainerNs ns, Lease lease, String hostIf) {
        Cidr first = lease.addresses.get(0);
        Cidr subnet = conf.subnet != null ? conf.subnet : first.network();
        boolean defaultRoute = false;
        List<List<String>> otherRoutes = new ArrayList<>();
        for (Map<String, Object> r : lease.routes) {
            String dst = String.valueOf(r.get("dst"));
            IpAddress familyGateway = Cidr.parse(dst).isV4() ? lease.gateway : lease.gateway6;
            String gw = r.get("gw") instanceof String g ? g : familyGateway == null ? null : familyGateway.toString();
            if (dst.equals("0.0.0.0/0") && (lease.gateway == null || lease.gateway.toString().equals(gw))) {
                defaultRoute = lease.gateway != null;
            } else if (gw != null) {
                otherRoutes.add(List.of(dst, gw));
            }
        }
        String recipeWord = recipeWord();
        Map<String, Object> options = new LinkedHashMap<>();
        if (conf.recipeOptions != null) {
            options.putAll(conf.recipeOptions);
        }
        options.put("ifname", inv.ifname());
        options.put("hostIfname", hostIf);
        Mac mac = wantedMac();
        if (mac != null) {
            options.put("mac", mac.toString()); // the runtime's wish beats the configuration's recipeOptions
        }

        StringBuilder s = new StringBuilder();
        s.append("use cniRecipe\n");
        if (conf.isGateway && lease.gateway != null) {
            s.append("bridge cniBridge cidr cniBridgeCidr\n");
            s.append("ipForward true\n");
            if (lease.gateway6 != null) {
                s.append("addr cniBridgeCidr6 dev cniBridge\n");
                s.append("sysctl '" + IPV6_FORWARD + "', 1\n");
            }
        } else {
            s.append("bridge cniBridge\n");
        }
        if (conf.ipMasq) {
            s.append("masquerade cniBridge, cniSubnet\n");
        }
        s.append(recipeWord).append("(cniOptions, cniBridge, cniNs, cniAddress)\n");
        s.append("netns(cniNs) {\n");
        s.append("  cniMoreAddresses.each { addr(it).dev(cniIfname) }\n");
        s.append("  cniRoutes.each { route(it[0]).via(it[1]) }\n");
        s.append("}\n");

        try (Session session = new Session(false, log, "cni")) {
            Engine engine = new Engine(session);
            var b = engine.binding();
            b.setVariable("cniRecipe", conf.recipe);
            b.setVariable("cniBridge", conf.bridge);
            b.setVariable("cniBridgeCidr", lease.gateway == null ? null : new Cidr(lease.gateway, subnet.prefix()).toString());
            b.setVariable("cniBridgeCidr6", lease.gateway6 == null ? null : new Cidr(lease.gateway6, conf.subnet6.prefix()).toString());
            b.setVariable("cniSubnet", subnet.toString());
            b.setVariable("cniOptions", options);
            b.setVariable("cniNs", ns.ref());
            b.setVariable("cniIfname", inv.ifname());
            b.setVariable("cniAddress", first + (defaultRoute ? "@" + lease.gateway : ""));
            b.setVariable("cniMoreAddresses", lease.addresses.subList(1, lease.addresses.size()).stream().map(Cidr::toString).toList());
            b.setVariable("cniRoutes", otherRoutes);
            b.setVariable("cni", Map.of("command", inv.command(), "containerId", inv.containerId(), "netns", inv.netns(),
                    "ifname", inv.ifname(), "args", inv.args(), "network", conf.name));
            engine.run(s.toString(), "netgroovy-cni(" + conf.recipe + ")");
        } catch (DslException e) {
            throw new CniException(CniException.SETUP_FAILED, "recipe " + conf.recipe + " failed: " + e.getMessage(),
                    e.hint() == null ? "" : e.hint(), e);
        }
    }

    /** The recipe's word: "attach" for {@code attach}, "myrecipe" for {@code /etc/x/myrecipe.netgroovy}. */
    private String recipeWord() {
        try {
            Recipes.find(conf.recipe);
        } catch (RuntimeException e) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: " + e.getMessage(), "");
        }
        String base = conf.recipe.replaceAll("^.*/", "").replaceAll("\\.netgroovy$", "");
        if (!base.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: recipe '" + conf.recipe
                    + "' must be named like the word it defines (letters, digits, _)", "");
        }
        return base;
    }

    /** The spec's result: prevResult's entries, then ours (bridge, host veth, container interface). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> result(ContainerNs ns, Lease lease, String hostIf) {
        Map<String, Object> prev = conf.prevResult == null ? Map.of() : conf.prevResult;
        List<Object> interfaces = new ArrayList<>(prev.get("interfaces") instanceof List<?> l ? l : List.of());
        List<Object> ips = new ArrayList<>(prev.get("ips") instanceof List<?> l ? l : List.of());
        List<Object> routes = new ArrayList<>(prev.get("routes") instanceof List<?> l ? l : List.of());
        try (Rtnl host = Rtnl.host(); NetNs n = ns.open(); Rtnl inside = Rtnl.at(n)) {
            interfaces.add(iface(host.links().get(IfName.of(conf.bridge)), conf.bridge, null));
            interfaces.add(iface(host.links().get(IfName.of(hostIf)), hostIf, null));
            interfaces.add(iface(inside.links().get(IfName.of(inv.ifname())), inv.ifname(), inv.netns()));
        }
        int index = interfaces.size() - 1;
        for (Cidr a : lease.addresses) {
            Map<String, Object> ip = new LinkedHashMap<>();
            ip.put("address", a.toString());
            IpAddress gw = a.isV4() ? lease.gateway : lease.gateway6;
            if (gw != null) {
                ip.put("gateway", gw.toString());
            }
            ip.put("interface", index);
            ips.add(ip);
        }
        routes.addAll(lease.routes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cniVersion", conf.cniVersion);
        out.put("interfaces", interfaces);
        out.put("ips", ips);
        if (!routes.isEmpty()) {
            out.put("routes", routes);
        }
        Map<String, Object> dns = conf.dns != null ? conf.dns : lease.dns != null ? lease.dns
                : prev.get("dns") instanceof Map<?, ?> d ? (Map<String, Object>) d : null;
        if (dns != null) {
            out.put("dns", dns);
        }
        return out;
    }

    private static Map<String, Object> iface(Optional<Link> link, String name, String sandbox) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        link.ifPresent(l -> {
            if (l.mac() != null) {
                m.put("mac", l.mac().toString());
            }
            m.put("mtu", l.mtu());
        });
        if (sandbox != null) {
            m.put("sandbox", sandbox);
        }
        return m;
    }

    // ---- DEL ------------------------------------------------------------------------------

    /** Best effort and idempotent: whatever is already gone counts as removed. */
    void delete() {
        inv.require(true, false, true);
        try (AttachmentStore store = AttachmentStore.open(conf.dataDir, conf.name)) {
            Map<String, Object> record = store.attachment(inv.attachmentKey());
            if (ContainerNs.exists(inv.netns())) {
                try (ContainerNs ns = ContainerNs.open(inv.netns(), inv.containerId()); NetNs n = ns.open(); Rtnl inside = Rtnl.at(n)) {
                    if (inside.links().get(IfName.of(inv.ifname())).isPresent()) {
                        inside.links().delete(IfName.of(inv.ifname()));
                    }
                } catch (KernelException | CniException e) {
                    log.println("netgroovy-cni: DEL: the container's namespace: " + e.getMessage());
                }
            }
            deleteHostEnd(record != null ? String.valueOf(record.get("hostIfname")) : hostIfname(inv.containerId(), inv.ifname()));
            if (conf.delegatesIpam()) {
                DelegatedIpam.call(inv, conf, "DEL");
            }
            store.removeAttachment(inv.attachmentKey());
            tidyNetwork(store);
        }
    }

    private void deleteHostEnd(String hostIf) {
        try (Rtnl host = Rtnl.host()) {
            if (host.links().get(IfName.of(hostIf)).isPresent()) {
                host.links().delete(IfName.of(hostIf));
            }
        } catch (KernelException e) {
            log.println("netgroovy-cni: DEL: " + hostIf + ": " + e.getMessage());
        }
    }

    /**
     * With the network's last container gone, takes away what its first one brought: the
     * bridge (when we made it and nothing else is plugged into it), the MASQUERADE rule, and
     * ip_forward as it was. So DEL after ADD leaves the node as it found it.
     */
    private void tidyNetwork(AttachmentStore store) {
        if (!store.attachments().isEmpty()) {
            return;
        }
        try (Rtnl host = Rtnl.host()) {
            Optional<Link> bridge = host.links().get(IfName.of(conf.bridge));
            boolean emptyBridge = bridge.isEmpty() || host.links().list().stream().noneMatch(l -> l.master() == bridge.get().index());
            if (!emptyBridge) {
                return;
            }
            if (conf.ipMasq) {
                try (LiveKernel k = new LiveKernel()) {
                    new RemoveOwnedRules(Where.HOST, "netgroovy masquerade " + conf.bridge + " ").apply(k);
                } catch (RuntimeException e) {
                    log.println("netgroovy-cni: DEL: the MASQUERADE rule of " + conf.bridge + ": " + e.getMessage());
                }
            }
            if (Boolean.TRUE.equals(store.get("bridgeMade")) && bridge.isPresent()) {
                host.links().delete(IfName.of(conf.bridge));
            }
        }
        if (store.get("ipForwardBefore") instanceof String before) {
            Sysctl.write(null, IP_FORWARD, before);
        }
        if (store.get("ipv6ForwardBefore") instanceof String before) {
            Sysctl.write(null, IPV6_FORWARD, before);
        }
        store.put("ipv6ForwardBefore", null);
        store.put("bridgeMade", null);
        store.put("ipForwardBefore", null);
    }

    // ---- CHECK ----------------------------------------------------------------------------

    /** Compares the kernel with what ADD made (and prevResult says); the first difference is the error. */
    @SuppressWarnings("unchecked")
    void check() {
        inv.require(true, true, true);
        if (conf.prevResult == null) {
            throw new CniException(CniException.INVALID_CONFIG, "invalid network configuration: CHECK needs prevResult", "");
        }
        try (AttachmentStore store = AttachmentStore.open(conf.dataDir, conf.name);
             ContainerNs ns = ContainerNs.open(inv.netns(), inv.containerId());
             Rtnl host = Rtnl.host(); NetNs n = ns.open(); Rtnl inside = Rtnl.at(n)) {
            Map<String, Object> record = store.attachment(inv.attachmentKey());
            if (record == null) {
                throw failed("no attachment " + inv.attachmentKey() + " on network " + conf.name);
            }
            Link link = inside.links().get(IfName.of(inv.ifname())).orElseThrow(() -> failed(inv.ifname() + " is missing in " + inv.netns()));
            if (!link.up()) {
                throw failed(inv.ifname() + " in " + inv.netns() + " is down");
            }
            List<Cidr> has = inside.addresses().list(IfName.of(inv.ifname())).stream().map(Address::cidr).toList();
            for (Object a : (List<Object>) record.get("addresses")) {
                if (!has.contains(Cidr.parse((String) a))) {
                    throw failed(inv.ifname() + " in " + inv.netns() + " lacks its address " + a);
                }
            }
            int ours = -1;
            List<Object> interfaces = conf.prevResult.get("interfaces") instanceof List<?> l ? (List<Object>) l : List.of();
            for (int i = 0; i < interfaces.size(); i++) {
                Map<String, Object> itf = (Map<String, Object>) interfaces.get(i);
                if (inv.ifname().equals(itf.get("name")) && inv.netns().equals(itf.get("sandbox"))) {
                    ours = i;
                    if (itf.get("mac") instanceof String mac && link.mac() != null && !mac.equalsIgnoreCase(link.mac().toString())) {
                        throw failed(inv.ifname() + " has MAC " + link.mac() + ", not " + mac + " as ADD reported");
                    }
                }
            }
            if (conf.prevResult.get("ips") instanceof List<?> ips) {
                for (Object o : ips) {
                    Map<String, Object> ip = (Map<String, Object>) o;
                    if (ip.get("interface") instanceof Number idx && idx.intValue() == ours && !has.contains(Cidr.parse((String) ip.get("address")))) {
                        throw failed(inv.ifname() + " lacks " + ip.get("address") + " (in prevResult)");
                    }
                }
            }
            List<Route> routes = null;
            for (String key : List.of("gateway", "gateway6")) {
                if (record.get(key) instanceof String gw) {
                    routes = routes != null ? routes : inside.routes().list();
                    boolean viaGateway = routes.stream().anyMatch(r -> r.gateway() != null && r.gateway().toString().equals(gw));
                    if (!viaGateway) {
                        throw failed("no route via the gateway " + gw + " in " + inv.netns());
                    }
                }
            }
            String hostIf = String.valueOf(record.get("hostIfname"));
            Link veth = host.links().get(IfName.of(hostIf)).orElseThrow(() -> failed("the host end " + hostIf + " is missing"));
            Link bridge = host.links().get(IfName.of(conf.bridge)).orElseThrow(() -> failed("the bridge " + conf.bridge + " is missing"));
            if (veth.master() != bridge.index()) {
                throw failed(hostIf + " is not a port of " + conf.bridge);
            }
            if (!veth.up() || !bridge.up()) {
                throw failed((veth.up() ? conf.bridge : hostIf) + " is down");
            }
            for (String key : List.of("gateway", "gateway6")) {
                if (conf.isGateway && record.get(key) instanceof String gw
                        && host.addresses().list(IfName.of(conf.bridge)).stream().noneMatch(a -> a.cidr().address().toString().equals(gw))) {
                    throw failed("the bridge " + conf.bridge + " lacks the gateway address " + gw);
                }
            }
            if (conf.ipMasq && Iptables.save(null).rules("nat").stream().noneMatch(r -> r.contains("netgroovy masquerade " + conf.bridge + " "))) {
                throw failed("the MASQUERADE rule for " + conf.bridge + " is missing");
            }
        }
        if (conf.delegatesIpam()) {
            DelegatedIpam.call(inv, conf, "CHECK");
        }
    }

    private CniException failed(String what) {
        return new CniException(CniException.CHECK_FAILED, "CHECK: " + what, "network " + conf.name + ", container " + inv.containerId());
    }

    // ---- GC -------------------------------------------------------------------------------

    /** Forgets (and unplugs) the attachments the runtime no longer lists; frees their addresses. */
    @SuppressWarnings("unchecked")
    void gc() {
        java.util.Set<String> valid = new java.util.HashSet<>();
        if (conf.raw.get("cni.dev/valid-attachments") instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> a = (Map<String, Object>) o;
                valid.add(a.get("containerID") + "/" + a.get("ifname"));
            }
        }
        try (AttachmentStore store = AttachmentStore.open(conf.dataDir, conf.name)) {
            for (var e : store.attachments().entrySet()) {
                if (!valid.contains(e.getKey())) {
                    deleteHostEnd(String.valueOf(e.getValue().get("hostIfname")));
                    store.removeAttachment(e.getKey());
                    log.println("netgroovy-cni: GC: removed stale attachment " + e.getKey());
                }
            }
            tidyNetwork(store);
        }
        if (conf.delegatesIpam()) {
            DelegatedIpam.call(inv, conf, "GC");
        }
    }
}
