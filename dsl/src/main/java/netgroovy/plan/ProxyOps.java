package netgroovy.plan;

import java.util.ArrayList;
import java.util.List;
import netgroovy.proxy.Frontend;
import netgroovy.proxy.UserlandProxy;

/**
 * The userland proxy's part of a plan: start serving a published port, stop serving a
 * container's ports. They print as the docker-proxy processes Docker would start and stop.
 */
public final class ProxyOps {
    private ProxyOps() {
    }

    /**
     * Opens forwarders in the host's namespace whichever thread applies the plan: a socket
     * belongs to the namespace of the thread that makes it, and the forwarder's threads
     * (started there) stay in it for their connections to the container.
     */
    static void atHost(Kernel k, Runnable open) {
        k.inside(Where.HOST, open);
    }

    /** Serve one published port; undo stops it. */
    public static final class Listen implements Op {
        private final UserlandProxy proxy;
        private final Frontend frontend;

        public Listen(UserlandProxy proxy, Frontend frontend) {
            this.proxy = proxy;
            this.frontend = frontend;
        }

        public String command() {
            String ip = frontend.mapping().hostIp() == null ? "0.0.0.0" : frontend.mapping().hostIp().toString();
            String cmd = frontend.dockerProxyCommand(ip) + " &";
            return frontend.dualStack() ? cmd + "\n" + frontend.dockerProxyCommand("::") + " &" : cmd;
        }

        public State check(Kernel k) {
            return proxy.serves(frontend) ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            atHost(k, () -> proxy.open(frontend));
        }

        public void undo(Kernel k) {
            proxy.close(frontend);
        }

        public String subject() {
            return "the userland proxy for " + frontend.container() + " (" + frontend + ")";
        }
    }

    /** Stop serving every published port of a container (rm, unpublish); undo serves them again. */
    public static final class Stop implements Op {
        private final UserlandProxy proxy;
        private final String container;
        private final String address;
        private final List<Frontend> stopped = new ArrayList<>();

        /** {@code address}: the container's, for the printed command (null: unknown). */
        public Stop(UserlandProxy proxy, String container, Object address) {
            this.proxy = proxy;
            this.container = container;
            this.address = address == null ? "<" + container + "'s address>" : address.toString();
        }

        public String command() {
            return "pkill -f 'docker-proxy .* -container-ip " + address + " '";
        }

        public boolean isRemoval() {
            return true;
        }

        public State check(Kernel k) {
            return proxy.of(container).isEmpty() ? State.DONE : State.TODO;
        }

        public void apply(Kernel k) {
            stopped.clear();
            stopped.addAll(proxy.of(container));
            stopped.forEach(proxy::close);
        }

        public void undo(Kernel k) {
            atHost(k, () -> stopped.forEach(proxy::open));
        }

        public String subject() {
            return "the userland proxy for " + container;
        }
    }
}
