package netgroovy.dsl;

import java.io.PrintStream;
import java.util.List;
import netgroovy.docker.Container;
import netgroovy.docker.Daemon;
import netgroovy.docker.EmbeddedDns;
import netgroovy.docker.Host;
import netgroovy.kernel.Exec;
import netgroovy.model.World;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;
import netgroovy.plan.Where;
import netgroovy.proxy.UserlandProxy;
import netgroovy.value.Cidr;
import netgroovy.value.IfName;

/**
 * A Docker host as the session offers it to Docker's logic: the sandbox's own namespace (the
 * session's world), or a namespace standing for a machine in a lab, {@code netns('h1') {
 * container 'c1' }} (its world kept inside the session's, under {@link World#hosts}). Plans go
 * into the session's current statement, so they are applied, printed and undone with it.
 */
final class SessionHost implements Host {
    private final NetgroovyScript script;
    private final Where where;

    SessionHost(NetgroovyScript script, Where where) {
        this.script = script;
        this.where = where;
    }

    private Session session() {
        return script.session();
    }

    @Override
    public Where where() {
        return where;
    }

    /** Looked up each time: the session's world is replaced when a statement fails or the store has news. */
    @Override
    public World world() {
        World root = session().world();
        return where.isHost() ? root : root.hosts.computeIfAbsent(where.name(), k -> new World());
    }

    @Override
    public void add(Op op) {
        session().add(op);
    }

    @Override
    public void flush() {
        session().flush();
    }

    @Override
    public boolean live() {
        return session().live();
    }

    @Override
    public Kernel kernel() {
        return session().kernel();
    }

    @Override
    public netgroovy.plan.LiveKernel liveKernel() {
        return session().liveKernel();
    }

    @Override
    public List<Op> made() {
        return session().made();
    }

    @Override
    public boolean plansBridge(String name) {
        return session().plansBridge(where, name);
    }

    @Override
    public int incarnation(String key) {
        return session().incarnation(key);
    }

    @Override
    public PrintStream out() {
        return session().out();
    }

    @Override
    public UserlandProxy proxy() {
        return session().proxy();
    }

    @Override
    public EmbeddedDns embeddedDns() {
        return session().embeddedDns();
    }

    @Override
    public void bridge(String name, String cidr, int mtu) {
        BridgeSpec b = new BridgeSpec(session(), where, IfName.of(name)).cidr(cidr);
        if (mtu > 0) {
            b.mtu(mtu);
        }
        Cidr c = Cidr.parse(cidr);
        if (!where.isHost() && c.isV4()) {
            world().bridgeCidrs.put(name, c.toString()); // the bridge word keeps only the host's own
        }
    }

    @Override
    public void namespace(String name) {
        script.containerNetns(name);
    }

    @Override
    public void removeNamespace(String name) {
        script.removeNamespace(name);
    }

    @Override
    public long start(Container c, String command) {
        Process p = Exec.start(new Daemon(this).launch(c, List.of("sh", "-c", command)));
        session().servers().own(p);
        return p.pid();
    }
}
