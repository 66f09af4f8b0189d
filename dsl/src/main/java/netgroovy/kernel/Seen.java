package netgroovy.kernel;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What a handle knows of its namespace's links, addresses and routes, so that the checks of a
 * plan (a dozen per endpoint, most asking about the same two or three links) do not each cost
 * a netlink round trip. Each question comes with the way to ask the kernel ({@code ask}),
 * used when the answer is not known.
 *
 * <p>Two ways of knowing: {@link SeenByPlan} keeps answers while one plan is applied and
 * follows the plan's own writes; {@link Watched} keeps them for as long as the handle lives,
 * kept up to date by the kernel's notifications of every change, whoever made it.
 */
interface Seen {
    /** Keep answers from now on (true), or forget them and ask each time (false), where that is how this way of knowing works. */
    void on(boolean on);

    Optional<Link> link(String name, Supplier<Optional<Link>> ask);

    List<Link> all(Supplier<List<Link>> ask);

    List<Address> addresses(Supplier<List<Address>> ask);

    /** The addresses of the link with this index; by default, picked out of all of them. */
    default List<Address> addressesOn(int index, Supplier<List<Address>> ask) {
        return addresses(ask).stream().filter(a -> a.linkIndex() == index).toList();
    }

    List<Route> routes(Supplier<List<Route>> ask);

    /** This handle changed a link in a way known exactly (admin state, MAC, MTU, master, hairpin). */
    void changed(String name, UnaryOperator<Link> how);

    /** The namespace was made just now: it holds {@code link} (its loopback, down) as the kernel makes it. */
    void born(Link link);

    /** This handle made, deleted, renamed or moved these links. */
    void forget(String... names);

    /** This handle added or removed an address (which adds or removes routes too). */
    void forgetAddresses();

    /** This handle added or removed a route. */
    void forgetRoutes();

    /** Something not seen through netlink changed the namespace (a command, a sysctl): forget everything. */
    void forgetAll();

    /**
     * Another handle changed this namespace through netlink (a veth's peer born in it, a link
     * moved into it, a namespace deleted with a veth whose other end is here).
     */
    default void changedElsewhere() {
        forgetAll();
    }

    /** Lets go of what this way of knowing holds (a socket). */
    default void close() {
    }
}
