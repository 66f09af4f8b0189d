package netgroovy.bench;

/** One way of building and removing the endpoints of a {@link Plan}: netgroovy or iproute2. */
interface Variant {
    String name();

    /** Prepares what must not be timed (e.g. writing batch files). */
    default void prepare(Plan plan) throws Exception {
    }

    /** Creates the bridge and all endpoints; returns only when they exist. */
    void setup(Plan plan) throws Exception;

    /** Deletes the namespaces and the bridge (the kernel may still be cleaning up afterwards). */
    void teardown(Plan plan) throws Exception;

    /** What the round's line should also say about the last setup (e.g. what was left out of its time); empty for nothing. */
    default String note() {
        return "";
    }

    /** Time per step of the last setup, for the profile; empty when the variant cannot tell. */
    default String stepProfile() {
        return "";
    }
}
