package netgroovy.docker;

import java.io.PrintStream;
import java.util.List;
import netgroovy.model.World;
import netgroovy.plan.Kernel;
import netgroovy.plan.Op;
import netgroovy.plan.Where;

/**
 * The machine a Docker daemon runs on, as whoever runs Docker's logic offers it (the DSL's
 * session): the namespace that stands for the machine (the sandbox's own, or a lab host's),
 * the world the daemon keeps there, and the statement being planned, to which the daemon adds
 * its operations. Docker's logic reads and plans only through this, so it never needs to know
 * who calls it, and it works the same on any host namespace.
 *
 * <p>Errors are {@link netgroovy.value.InvalidValueException}s naming what was wrong; the
 * caller adds where it was said (the script line).
 */
public interface Host {
    /** The host's namespace: {@link Where#HOST}, or the namespace of a lab host ("h1"). */
    Where where();

    /** What the daemon on this host has built: its networks, containers, ports and options. */
    World world();

    /** Adds an operation to the plan of the statement being planned. */
    void add(Op op);

    /** Applies (or prints) what the statement has planned so far: before a process starts, or a view is read. */
    void flush();

    /** Whether the live system may be read now (not in a dry run or an explain block). */
    boolean live();

    /** The system operations speak to (the live kernel, or an in-memory one in plan tests); only when {@link #live()}. */
    Kernel kernel();

    /** The real kernel, for what only it can do: start a process in a namespace, open a socket there. */
    netgroovy.plan.LiveKernel liveKernel();

    /** What the session has made so far (applied, or printed in a dry run), oldest first. */
    List<Op> made();

    /** Whether the statement being planned makes the bridge {@code name} on this host. */
    boolean plansBridge(String name);

    /** 0 the first time a key is asked for in this session, then 1, 2 ...: fresh names for veths. */
    int incarnation(String key);

    /** Where warnings go. */
    PrintStream out();

    /** The userland proxy's forwarders (dockerd userlandProxy: true). */
    netgroovy.proxy.UserlandProxy proxy();

    /** The embedded DNS server (dockerd resolver: 'embedded'). */
    EmbeddedDns embeddedDns();

    /** A bridge on this host, up, with its address (and MTU when above 0), as the {@code bridge} word makes one. */
    void bridge(String name, String cidr, int mtu);

    /**
     * A named namespace for a container (made if missing, lo up), as the {@code netns} word makes
     * one, but with IPv6 off on all its interfaces, as Docker 20.10 starts a container's sandbox:
     * an interface that gets an IPv6 address has it switched back on.
     */
    void namespace(String name);

    /** Removes a container's namespace, as {@code delete netns(NAME)} does (its rules are the daemon's to remove first). */
    void removeNamespace(String name);

    /** Starts {@code command} in the container, as Docker starts its process; returns its pid. */
    long start(Container c, String command);
}
