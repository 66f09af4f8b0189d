package netgroovy.dsl;

import netgroovy.plan.Where;

/**
 * A network namespace as a value: {@code def c1 = netns 'c1'}, {@code netns(pid)}. Usable
 * wherever a namespace is expected ({@code link 'B' into c1}); {@code c1.sh 'ip addr'},
 * {@code c1.ping '10.0.0.1'} run there.
 */
public final class NsRef {
    private final NetgroovyScript script;
    private final Where where;

    NsRef(NetgroovyScript script, Where where) {
        this.script = script;
        this.where = where;
    }

    public Where where() {
        return where;
    }

    public String getName() {
        return where.label();
    }

    public Run sh(String command) {
        return script.inside(where, () -> script.sh(command));
    }

    public PingResult ping(Object to) {
        return script.inside(where, () -> script.ping(to));
    }

    public String getLinks() {
        return script.inside(where, script::getLinks);
    }

    public String getAddrs() {
        return script.inside(where, script::getAddrs);
    }

    public String getRoutes() {
        return script.inside(where, script::getRoutes);
    }

    @Override
    public String toString() {
        return where.label();
    }
}
