package netgroovy.kernel;

import java.util.List;
import netgroovy.kernel.netlink.Message;
import netgroovy.kernel.netlink.MessageWriter;
import netgroovy.kernel.netlink.NetlinkSocket;
import netgroovy.kernel.netlink.Nl;
import netgroovy.kernel.netlink.Request;

/**
 * A handle on one network namespace's routing stack: an rtnetlink socket opened inside that
 * namespace (so it stays bound to it) and the verbs on links, addresses, routes and
 * neighbours. There is no global "current namespace": every handle names its own.
 */
public final class Rtnl implements AutoCloseable {
    private final String where;
    private final NetlinkSocket socket;
    private final Links links;
    private final Addresses addresses;
    private final Routes routes;
    private final Neighbours neighbours;
    private final Seen seen = new Seen();

    private Rtnl(String where, NetlinkSocket socket) {
        this.where = where;
        this.socket = socket;
        this.links = new Links(this);
        this.addresses = new Addresses(this);
        this.routes = new Routes(this);
        this.neighbours = new Neighbours(this);
    }

    /** A handle on the namespace this thread is in (the host, or the sandbox standing in for it). */
    public static Rtnl host() {
        return new Rtnl("host", new NetlinkSocket());
    }

    /** A handle on {@code ns}: the socket is opened by a thread that entered it. */
    public static Rtnl at(NetNs ns) {
        return new Rtnl(ns.label(), Namespaces.inside(ns, NetlinkSocket::new));
    }

    /**
     * Creates the named namespace and returns a handle on it, the socket opened by the same
     * thread that made the namespace. Equivalent to: {@code ip netns add NAME}.
     */
    public static Rtnl createNamespace(String name) {
        return createNamespace(name, true);
    }

    /**
     * As {@link #createNamespace(String)}; with {@code ipv6} false, IPv6 is switched off in the
     * new namespace first, by the same thread while it is in there (Docker's sandbox: no
     * link-local addresses, no router solicitations or MLD reports from its interfaces).
     * Equivalent to: {@code ip netns add NAME; ip netns exec NAME sysctl -w net.ipv6.conf.all.disable_ipv6=1}.
     */
    public static Rtnl createNamespace(String name, boolean ipv6) {
        return new Rtnl(name, Namespaces.create(name, () -> {
            if (!ipv6) {
                Sysctl.disableIpv6Here();
            }
            return new NetlinkSocket();
        }));
    }

    /**
     * This handle's namespace was made just now (by {@link #createNamespace}): what it holds is
     * known without asking: its loopback link, down, as the kernel makes it in every namespace.
     */
    public void newborn() {
        seen.born(new Link(1, "lo", "", 0, false, "DOWN", netgroovy.value.Mac.of(new byte[6]), 65536, 0, -1, false));
    }

    /** Where this handle works, as errors name it: "host", "c1", "pid 4242". */
    public String where() {
        return where;
    }

    NetlinkSocket socket() {
        return socket;
    }

    Seen seen() {
        return seen;
    }

    /**
     * While a plan is applied (true), answers about links, addresses and routes are kept and
     * kept in step with what is written through this handle (see {@link Seen}); false
     * forgets them and asks the kernel every time again.
     */
    public void remember(boolean on) {
        seen.on(on);
    }

    /** Something else changed this namespace (a command run in it, a veth's peer born in it): ask again. */
    public void forgetSeen() {
        seen.forgetAll();
    }

    public Links links() {
        return links;
    }

    public Addresses addresses() {
        return addresses;
    }

    public Routes routes() {
        return routes;
    }

    public Neighbours neighbours() {
        return neighbours;
    }

    /**
     * The id this namespace gives {@code other} (what a veth's IFLA_LINK_NETNSID refers to),
     * or -1 when none is assigned. Equivalent to: {@code ip netns list-id}.
     */
    public int nsIdOf(NetNs other) {
        MessageWriter m = new MessageWriter(Nl.RTM_GETNSID, Nl.F_REQUEST).u8(Nl.AF_UNSPEC).u8(0).u16(0);
        m.attrU32(Nl.NETNSA_FD, other.fd());
        List<Message> answer = socket.query(new Request("look up the id of namespace " + other.label() + in(), m));
        return answer.isEmpty() ? -1 : answer.get(0).attributes(4).u32(Nl.NETNSA_NSID, -1);
    }

    /** " in c1" for messages about a namespace, nothing for the host. */
    String in() {
        return where.equals("host") ? "" : " in " + where;
    }

    @Override
    public void close() {
        socket.close();
    }
}
