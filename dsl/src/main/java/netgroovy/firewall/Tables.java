package netgroovy.firewall;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One namespace's iptables tables, read whole and changed by batches: what a {@link Ruleset} is kept over. */
public interface Tables {
    /** {@code iptables-save}. */
    Iptables.Saved save();

    /**
     * {@code iptables-restore --noflush} of lines grouped by table: all of them, or none.
     * {@code before}, when not null, gives the tables as they were before the batch (input for
     * a plain iptables-restore), asked only to put them back when a batch of several is refused.
     */
    void restore(Map<String, List<String>> linesByTable, Function<List<String>, String> before);

    /**
     * Makes changes straight through nf_tables netlink, all in one transaction ({@link
     * netgroovy.kernel.NfRules#commit}): rules appended, and rules deleted by their handles.
     * Returns the handle of each rule appended, in order; null when these tables cannot be
     * written that way (a model's, a recording's), and then nothing was done. Throws when the
     * kernel refused, and then nothing was changed either.
     */
    default long[] commit(List<netgroovy.kernel.NfRules.Change> changes) {
        return null;
    }

    /**
     * The rules of one chain as nf_tables holds them, in order, with their handles ({@link
     * netgroovy.kernel.NfRules#list}); null when these tables cannot be read that way.
     */
    default List<netgroovy.kernel.NfRules.Listed> list(String table, String chain) {
        return null;
    }
}
